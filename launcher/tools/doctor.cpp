#include "tools/doctor.hpp"

#include "host/netlink_socket.hpp"
#include "host/ovs_database.hpp"
#include "host/proc_files.hpp"
#include "launch_error.hpp"
#include "tools/bridge_reading.hpp"
#include "tools/bridge_report.hpp"
#include "tools/ovs_bridge_report.hpp"

#include <iostream>

namespace taplaunch {

int run_doctor(const std::string& bridge, bool strict)
{
    try {
        const NetlinkSocket netlink = NetlinkSocket::connect();
        // An Open vSwitch bridge's own device is a tun or openvswitch device; the OVS database
        // says whether it is a bridge.
        const auto link = netlink.find_link(bridge);
        const bool open_vswitch = link && (link->kind == "tun" || link->kind == "openvswitch") &&
                                  query_ovs_bridge(bridge).answer == OvsBridgeFacts::Answer::bridge;
        const BridgeReport report =
            open_vswitch ? report_ovs_bridge(*link, read_ovs_bridge(bridge), process_is_running)
                         : report_bridge(read_bridge_snapshot(netlink, bridge));
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
