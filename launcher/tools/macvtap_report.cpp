#include "tools/macvtap_report.hpp"

#include <linux/if_link.h>

namespace taplaunch {

std::string macvtap_mode_text(const std::optional<unsigned>& mode)
{
    switch (mode.value_or(0)) {
    case MACVLAN_MODE_PRIVATE:
        return "private";
    case MACVLAN_MODE_VEPA:
        return "vepa";
    case MACVLAN_MODE_BRIDGE:
        return "bridge";
    case MACVLAN_MODE_PASSTHRU:
        return "passthru";
    case MACVLAN_MODE_SOURCE:
        return "source";
    default:
        return "unknown";
    }
}

void report_macvtaps(BridgeReport& report, const LinkFacts& lower,
                     const std::vector<LinkFacts>& macvtaps,
                     const std::function<bool(const ProcessIdentity&)>& running)
{
    const auto say = [&](std::string line) { report.lines.push_back(std::move(line)); };
    say("macvtaps on " + lower.name + ": " + std::to_string(macvtaps.size()));
    for (const LinkFacts& macvtap : macvtaps) {
        std::string line = "  " + macvtap.name + ": mode " + macvtap_mode_text(macvtap.macvlan_mode) +
                           ", MAC " + macvtap.mac.to_string() + ", MTU " +
                           std::to_string(macvtap.mtu) + (macvtap.up ? ", up" : ", down");
        const auto owner = parse_owner_record(macvtap.alias);
        if (owner) {
            const bool gone = !running(owner->process);
            line += ", taplaunch guest " + owner->guest + " (pid " +
                    std::to_string(owner->process.pid) + (gone ? ", gone)" : ", runs)");
            if (gone) {
                report.risks.push_back({"stale macvtap: " + macvtap.name + " on " + lower.name +
                                            " is guest " + owner->guest +
                                            "'s, whose taplaunch (pid " +
                                            std::to_string(owner->process.pid) + ") is gone",
                                        "taplaunch gc"});
            }
        } else {
            line += ", not taplaunch's";
        }
        say(line);
    }
    if (macvtaps.empty()) {
        return;
    }
    if (!lower.up) {
        report.risks.push_back({"down: " + lower.name + " is down, so its macvtaps pass no frames",
                                "ip link set " + lower.name + " up"});
    }
    say("note: guests on these macvtaps do not reach this host through " + lower.name +
        "'s own addresses (the kernel passes no frame between a macvtap and its lower "
        "interface's own stack); to reach them from here, give the host a macvlan on " +
        lower.name + ": ip link add link " + lower.name +
        " name host0 type macvlan mode bridge, with an address, or use a bridge");
}

BridgeReport report_macvtap_lower(const LinkFacts& lower, const std::vector<LinkFacts>& macvtaps,
                                  const std::function<bool(const ProcessIdentity&)>& running)
{
    BridgeReport report;
    report.lines.push_back("interface " + lower.name + ": " +
                           (lower.kind.empty() ? std::string("a device") : "a " + lower.kind +
                                                                               " device") +
                           ", no bridge; MAC " + lower.mac.to_string() + ", MTU " +
                           std::to_string(lower.mtu) + (lower.up ? ", up" : ", down"));
    report_macvtaps(report, lower, macvtaps, running);
    for (const BridgeRisk& risk : report.risks) {
        report.lines.push_back("risk: " + risk.problem);
        report.lines.push_back("  fix: " + risk.fix);
    }
    const std::size_t count = report.risks.size();
    report.lines.push_back("doctor: " +
                           (count == 0 ? std::string("no risk")
                                       : std::to_string(count) + (count == 1 ? " risk" : " risks")) +
                           " found on interface " + lower.name);
    return report;
}

}  // namespace taplaunch
