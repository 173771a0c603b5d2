#include "tools/doctor.hpp"

#include "host/netlink_socket.hpp"
#include "launch_error.hpp"
#include "tools/bridge_reading.hpp"
#include "tools/bridge_report.hpp"

#include <iostream>
#include <optional>

namespace taplaunch {

namespace {

constexpr const char* doctor_usage =
    "Usage: taplaunch doctor BRIDGE [--strict]\n"
    "Explains bridge BRIDGE: whether its MAC was set by hand or follows its lowest port's MAC\n"
    "(and which port holds it), every port (MAC, MTU, state; for taplaunch's TAPs the guest and\n"
    "supervisor), ports that could take the bridge's MAC over, MTU mismatches, STP and its\n"
    "forward delay, isolated ports, and what silently blocks guest traffic (the bridge down,\n"
    "br_netfilter handing bridged traffic to a FORWARD chain whose policy is drop). Each risk\n"
    "comes with the command that fixes it. Reads the kernel over netlink, in this network\n"
    "namespace; changes nothing.\n"
    "  --strict   exit with status 1 when a risk is found (default: 0)\n";

}  // namespace

int run_doctor(const std::vector<std::string>& args)
{
    bool strict = false;
    std::optional<std::string> bridge;
    for (const std::string& arg : args) {
        if (arg == "--strict") {
            strict = true;
        } else if (arg == "--help" || arg == "-h") {
            std::cout << doctor_usage;
            return 0;
        } else if (arg.starts_with("-")) {
            report_line("doctor: unknown option '" + arg +
                        "' (usage: taplaunch doctor BRIDGE [--strict])");
            return exit_bad_definition;
        } else if (bridge) {
            report_line("doctor: one bridge at a time, not '" + *bridge + "' and '" + arg +
                        "' (usage: taplaunch doctor BRIDGE [--strict])");
            return exit_bad_definition;
        } else {
            bridge = arg;
        }
    }
    if (!bridge) {
        report_line("doctor: which bridge? (usage: taplaunch doctor BRIDGE [--strict]; ip -br "
                    "link show type bridge lists them)");
        return exit_bad_definition;
    }
    try {
        const NetlinkSocket netlink = NetlinkSocket::connect();
        const BridgeReport report = report_bridge(read_bridge_snapshot(netlink, *bridge));
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
