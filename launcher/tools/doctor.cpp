#include "tools/doctor.hpp"

#include "host/netlink_socket.hpp"
#include "launch_error.hpp"
#include "tools/bridge_reading.hpp"
#include "tools/bridge_report.hpp"

#include <iostream>

namespace taplaunch {

int run_doctor(const std::string& bridge, bool strict)
{
    try {
        const NetlinkSocket netlink = NetlinkSocket::connect();
        const BridgeReport report = report_bridge(read_bridge_snapshot(netlink, bridge));
        std::string text;
        for (const std::string& line : report.lines) {
            text += line + '\n';
        }
        std::cout << text << std::flush;
        return strict && !report.risks.empty() ? 1 : 0;
    } catch (const DefinitionError& error) {
        report_line(std::string("doctor: ") + error.what());
        return exit_bad_definition;
    } catch (const HostError& error) {
        report_line(std::string("doctor: ") + error.what());
        return exit_host_failure;
    }
}

}  // namespace taplaunch
