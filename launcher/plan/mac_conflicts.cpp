#include "plan/mac_conflicts.hpp"

#include "launch_error.hpp"
#include "plan/nic_context.hpp"
#include "plan/owner_record.hpp"

namespace taplaunch {

// A guest whose MAC another guest on the bridge already has: its TAP would carry the same MAC
// as that guest's TAP (two ports with one address, each bridge's forwarding table flipping
// between them), and the two guests would share an address. Two launches without --name get
// the same default MAC, so this is easy to do. A port carrying the guest's own MAC is as bad.
void check_mac_free_on_bridge(const TapPlan& tap, const LinkFacts& bridge, const HostFacts& host)
{
    for (const LinkFacts& port : host.bridge_ports(bridge.ifindex)) {
        if (port.mac != tap.tap_mac && port.mac != tap.guest_mac) {
            continue;
        }
        std::string holder = "port " + port.name;
        if (const auto owner = parse_owner_record(port.alias)) {
            holder += " (the TAP of guest " + owner->guest + ", taplaunch pid " +
                      std::to_string(owner->process.pid) + ")";
        } else if (port.kind == "tun") {
            holder += " (a TAP)";
        }
        const std::string what = port.mac == tap.tap_mac
                                     ? " is taken on bridge " + bridge.name + ": " + holder +
                                           " carries the TAP MAC " + tap.tap_mac.to_string() +
                                           " that goes with it"
                                     : " is taken on bridge " + bridge.name + ": " + holder +
                                           " has it as its own MAC";
        throw DefinitionError(nic_context(tap.nic_index) + "guest MAC " + tap.guest_mac.to_string() +
                              what +
                              " (give each guest its own mac=, or its own --name: the default "
                              "MAC comes from the guest name)");
    }
}

// Two NICs with one MAC would put two TAPs with one address on a bridge.
void check_macs_distinct(const std::vector<TapPlan>& taps, ProblemList& problems)
{
    for (std::size_t later = 0; later < taps.size(); ++later) {
        for (std::size_t earlier = 0; earlier < later; ++earlier) {
            problems.check([&] {
                if (taps[later].guest_mac == taps[earlier].guest_mac) {
                    throw DefinitionError(nic_context(taps[later].nic_index) + "mac " +
                                          taps[later].guest_mac.to_string() + " is nic " +
                                          std::to_string(taps[earlier].nic_index) +
                                          "'s too (give each NIC its own mac=)");
                }
            });
        }
    }
}

}  // namespace taplaunch
