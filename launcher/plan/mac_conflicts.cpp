#include "plan/mac_conflicts.hpp"

#include "launch_error.hpp"
#include "plan/nic_context.hpp"
#include "plan/owner_record.hpp"

namespace taplaunch {

namespace {

const std::string give_another_first_byte =
    "give each NIC a mac= that differs in another byte than the first";

// "port tap0 (the TAP of guest web, taplaunch pid 77)", as far as the port says.
std::string describe_port(const LinkFacts& port, const std::optional<OwnerRecord>& owner)
{
    std::string holder = "port " + port.name;
    if (owner) {
        holder += " (the TAP of guest " + owner->guest + ", taplaunch pid " +
                  std::to_string(owner->process.pid) + ")";
    } else if (port.kind == "tun") {
        holder += " (a TAP)";
    }
    return holder;
}

// The problem with a NIC's MACs next to an earlier NIC's of the same launch, if any. Two TAPs
// with one MAC are two ports with one address; a TAP carrying a guest's MAC makes the bridge
// hold that address as its own (a local entry), so it takes the guest's frames for the host.
std::optional<std::string> mac_clash(const TapPlan& later, const TapPlan& earlier)
{
    const std::string context = nic_context(later.nic_index);
    const std::string other = "nic " + std::to_string(earlier.nic_index) + "'s";
    if (later.guest_mac == earlier.guest_mac) {
        return context + "mac " + later.guest_mac.to_string() + " is " + other +
               " too (give each NIC its own mac=)";
    }
    if (later.tap_mac == earlier.tap_mac) {
        return context + "TAP MAC " + later.tap_mac.to_string() + " is " + other +
               " TAP MAC too (guest MACs " + later.guest_mac.to_string() + " and " +
               earlier.guest_mac.to_string() +
               " differ only in the first byte, which the TAP MAC replaces: give each NIC a "
               "mac= that differs in another byte)";
    }
    if (later.tap_mac == earlier.guest_mac) {
        return context + "TAP MAC " + later.tap_mac.to_string() + " is " + other +
               " guest MAC (the bridge would take that guest's frames for its own: " +
               give_another_first_byte + ")";
    }
    if (later.guest_mac == earlier.tap_mac) {
        return context + "guest MAC " + later.guest_mac.to_string() + " is " + other +
               " TAP MAC (the bridge would take this guest's frames for its own: " +
               give_another_first_byte + ")";
    }
    return std::nullopt;
}

}  // namespace

// A guest whose MAC another guest on the bridge already has: its TAP would carry the same MAC
// as that guest's TAP (two ports with one address, each bridge's forwarding table flipping
// between them), and the two guests would share an address. Two launches without --name get
// the same default MAC, so this is easy to do. A port carrying the guest's own MAC is as bad.
// And a TAP MAC that is the guest MAC of a guest running behind a port (its owner record says
// which) would make the bridge take that guest's frames for the host.
void check_mac_free_on_bridge(const TapPlan& tap, const LinkFacts& bridge, const HostFacts& host)
{
    const std::string taken = " is taken on bridge " + bridge.name + ": ";
    for (const LinkFacts& port : host.bridge_ports(bridge.ifindex)) {
        const auto owner = parse_owner_record(port.alias);
        if (port.mac == tap.tap_mac || port.mac == tap.guest_mac) {
            const std::string what =
                port.mac == tap.tap_mac
                    ? describe_port(port, owner) + " carries the TAP MAC " +
                          tap.tap_mac.to_string() + " that goes with it"
                    : describe_port(port, owner) + " has it as its own MAC";
            throw DefinitionError(nic_context(tap.nic_index) + "guest MAC " +
                                  tap.guest_mac.to_string() + taken + what +
                                  " (give each guest its own mac=, or its own --name: the "
                                  "default MAC comes from the guest name)");
        }
        if (!owner || !owner->guest_mac) {
            continue;
        }
        const std::string guest_behind_port = "the guest MAC of guest " + owner->guest +
                                              " behind port " + port.name + " (taplaunch pid " +
                                              std::to_string(owner->process.pid) + ")";
        if (*owner->guest_mac == tap.tap_mac) {
            throw DefinitionError(nic_context(tap.nic_index) + "TAP MAC " +
                                  tap.tap_mac.to_string() + taken + "it is " + guest_behind_port +
                                  ", and the bridge would take that guest's frames for its own "
                                  "(give this NIC a mac= that differs in another byte than the "
                                  "first)");
        }
        if (*owner->guest_mac == tap.guest_mac) {
            throw DefinitionError(nic_context(tap.nic_index) + "guest MAC " +
                                  tap.guest_mac.to_string() + taken + "it is " +
                                  guest_behind_port +
                                  " (give each guest its own mac=, or its own --name: the "
                                  "default MAC comes from the guest name)");
        }
    }
}

void check_macs_distinct(const std::vector<TapPlan>& taps, ProblemList& problems)
{
    for (std::size_t later = 0; later < taps.size(); ++later) {
        for (std::size_t earlier = 0; earlier < later; ++earlier) {
            problems.check([&] {
                if (const auto clash = mac_clash(taps[later], taps[earlier])) {
                    throw DefinitionError(*clash);
                }
            });
        }
    }
}

}  // namespace taplaunch
