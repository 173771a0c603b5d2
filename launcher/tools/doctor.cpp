#include "tools/doctor.hpp"

#include "host/netlink_socket.hpp"
#include "host/ovs_database.hpp"
#include "host/proc_files.hpp"
#include "launch_error.hpp"
#include "tools/bridge_reading.hpp"
#include "tools/bridge_report.hpp"
#include "tools/macvtap_report.hpp"
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
        // The macvtaps on the device, whatever it is: a host interface that is no bridge is
        // reported for them alone.
        std::vector<LinkFacts> macvtaps;
        if (link) {
            for (const LinkFacts& other : netlink.list_links()) {
                if (other.kind == "macvtap" && other.lower_ifindex == link->ifindex) {
                    macvtaps.push_back(other);
                }
            }
        }
        BridgeReport report;
        if (link && !open_vswitch && link->kind != "bridge" && !macvtaps.empty()) {
            report = report_macvtap_lower(*link, macvtaps, process_is_running);
        } else {
            report = open_vswitch
                         ? report_ovs_bridge(*link, read_ovs_bridge(bridge), process_is_running)
                         : report_bridge(read_bridge_snapshot(netlink, bridge));
            if (!macvtaps.empty()) {
                // A bridge as a macvtap's lower interface: its macvtaps after its ports.
                BridgeReport extra;
                report_macvtaps(extra, *link, macvtaps, process_is_running);
                report.lines.insert(report.lines.end(), extra.lines.begin(), extra.lines.end());
                for (const BridgeRisk& risk : extra.risks) {
                    report.lines.push_back("risk: " + risk.problem);
                    report.lines.push_back("  fix: " + risk.fix);
                    report.risks.push_back(risk);
                }
                report.lines.push_back("doctor: " + std::to_string(extra.risks.size()) +
                                       (extra.risks.size() == 1 ? " risk" : " risks") +
                                       " found on the macvtaps of " + link->name);
            }
        }
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
