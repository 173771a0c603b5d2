#include "tools/ovs_bridge_report.hpp"

namespace taplaunch {

BridgeReport report_ovs_bridge(const LinkFacts& bridge, const OvsBridgeContents& contents,
                               const std::function<bool(const ProcessIdentity&)>& running)
{
    BridgeReport report;
    const auto say = [&](std::string line) { report.lines.push_back(std::move(line)); };
    say("bridge " + bridge.name + ": Open vSwitch bridge, datapath " +
        (contents.datapath_type.empty() ? std::string("system (the default)")
                                        : contents.datapath_type) +
        "; its own device is a " + bridge.kind + " device, MAC " + bridge.mac.to_string() +
        " (OVS takes the lowest port MAC that is not locally administered, so taplaunch's 0xFE "
        "TAP MACs never become it)");
    say("ports: " + std::to_string(contents.interfaces.size()));
    for (const OvsInterfaceFacts& port : contents.interfaces) {
        std::string line = "  " + port.name + ": ";
        if (port.tag) {
            line += "access port in VLAN " + std::to_string(*port.tag);
        } else if (!port.trunks.empty()) {
            line += "trunk of VLANs";
            for (unsigned id : port.trunks) {
                line += " " + std::to_string(id);
            }
        } else {
            line += "all VLANs";
        }
        if (port.protected_port) {
            line += ", protected";
        }
        if (!port.iface_id.empty()) {
            line += ", iface-id " + port.iface_id;
        }
        const auto owner = parse_owner_record(port.owner_record);
        const bool owner_gone = owner && !running(owner->process);
        if (owner) {
            line += ", taplaunch guest " + owner->guest + " (pid " +
                    std::to_string(owner->process.pid) + (owner_gone ? ", gone)" : ", runs)");
        }
        if (port.ofport < 0) {
            line += ", OVS cannot open its device" +
                    (port.error.empty() ? std::string() : ": " + port.error);
        }
        // A row of taplaunch's outlives its TAP only when nobody removed it: its taplaunch
        // (or keeper) was killed. OVS does not always mark such a row, so the record
        // decides; a row of someone else's is stale when OVS cannot open its device.
        if (owner_gone) {
            report.risks.push_back({"stale port: " + port.name + " on " + bridge.name +
                                        " is a row of guest " + owner->guest +
                                        ", whose taplaunch (pid " +
                                        std::to_string(owner->process.pid) + ") is gone",
                                    "taplaunch gc"});
        } else if (!owner && port.ofport < 0) {
            report.risks.push_back({"stale port: " + port.name + " on " + bridge.name +
                                        " has no device (not taplaunch's: check what it was for)",
                                    ovs_remove_command(bridge.name, port.name)});
        }
        say(line);
    }
    for (const BridgeRisk& risk : report.risks) {
        say("risk: " + risk.problem);
        say("  fix: " + risk.fix);
    }
    const std::size_t count = report.risks.size();
    say("doctor: " +
        (count == 0 ? std::string("no risk")
                    : std::to_string(count) + (count == 1 ? " risk" : " risks")) +
        " found on bridge " + bridge.name);
    return report;
}

}  // namespace taplaunch
