#pragma once
// LinkChange: one RTM_NEWLINK request that changes an existing link, and its encoding.

#include "definition/mac_address.hpp"
#include "definition/nic_spec_macvtap.hpp"
#include "plan/port_lock_filter.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace taplaunch {

// A new macvtap link: RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL, its MAC, MTU and mode set in
// the request that creates it (the kernel ignores an alias there: that takes a request of its
// own).
struct MacvtapCreation {
    std::string name;         // exact: the kernel would resolve a %d template, but not say how
    int lower_ifindex = 0;    // IFLA_LINK
    MacvtapMode mode = MacvtapMode::bridge;
    MacAddress mac;
    unsigned mtu = 0;
};

// What one request changes. The kernel applies a request's attributes in an order of its own
// (net/core/rtnetlink.c, do_setlink: the address, then the MTU, ..., the alias, the flags,
// the master) and stops at the first that fails; so taplaunch puts together only what may be
// applied in that order (a TAP's MAC with its MTU and alias) and sends the rest (master, port
// flags, up) as requests of their own, in its own order.
struct LinkChange {
    int ifindex = 0;
    std::optional<MacAddress> mac;       // IFLA_ADDRESS
    std::optional<unsigned> mtu;         // IFLA_MTU
    std::optional<std::string> alias;    // IFLA_IFALIAS
    std::optional<int> master;           // IFLA_MASTER
    std::optional<bool> port_isolated;   // bridge port slave data: IFLA_BRPORT_ISOLATED
    bool port_lock = false;              // bridge port slave data: IFLA_BRPORT_LOCKED on,
                                         // IFLA_BRPORT_LEARNING and _UNICAST_FLOOD off
    bool up = false;                     // IFF_UP in ifi_flags / ifi_change
    std::optional<unsigned> group;       // IFLA_GROUP
    // Instead of a change of the link itself, a change that goes with it: a clsact qdisc on it
    // (RTM_NEWQDISC), a direct-action classic BPF filter on its ingress (RTM_NEWTFILTER, tc's
    // `bpf` classifier), or a static FDB entry for `pinned_mac` on it as a bridge port
    // (RTM_NEWNEIGH, AF_BRIDGE, NTF_MASTER). Each is created exclusively (NLM_F_EXCL).
    bool add_clsact = false;
    std::optional<std::vector<BpfInstruction>> ingress_filter;
    std::optional<MacAddress> pinned_mac;
    // Instead of a change: delete the link (RTM_DELLINK by ifindex), or, with ifindex 0 and a
    // group, every link of that group at once.
    bool remove = false;
    // Instead of a change: create this macvtap (ifindex unused).
    std::optional<MacvtapCreation> create_macvtap;
};

// The request as bytes (one netlink message asking for an acknowledgement), numbered `seq`.
// Built by hand (no libnl): it cannot fail but for memory.
std::vector<std::uint8_t> encode_link_change(const LinkChange& change, std::uint32_t seq);

}  // namespace taplaunch
