#pragma once
// A macvtap NIC: a macvtap link on a host interface (LOWER) instead of a TAP on a bridge,
// carrying the guest's own MAC, opened through its character device /dev/tapIFINDEX. Pure:
// the host part is host/macvtap_link.

#include "definition/nic_spec.hpp"
#include "plan/host_facts.hpp"

#include <cstddef>
#include <string>

namespace taplaunch {

struct MacvtapPlan {
    std::string lower;        // the host interface the macvtap goes on
    int lower_ifindex = 0;    // IFLA_LINK
    MacvtapMode mode = MacvtapMode::bridge;
};

// The macvtap plan of NIC `index`, whose LOWER must exist and be a device a macvtap can go on
// (an Ethernet device that is no bridge's port; a bridge itself is fine). Throws
// DefinitionError naming the problem and the fix.
MacvtapPlan decide_macvtap(const NicSpec& nic, std::size_t index, const HostFacts& host);

// The macvtap's MTU: mtu= (at most LOWER's: a macvtap passes no larger frame than LOWER
// does), else LOWER's. Throws DefinitionError.
unsigned decide_macvtap_mtu(const NicSpec& nic, std::size_t index, const LinkFacts& lower);

// The refusal of a macvtap NIC for a UML guest: UML's transport=fd is not tested with a
// macvtap's fd, and its other transports open a TAP by name.
[[noreturn]] void refuse_uml_macvtap(std::size_t index);

}  // namespace taplaunch
