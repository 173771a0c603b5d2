#pragma once
// LinkFacts: one network device as the kernel reports it.

#include "definition/mac_address.hpp"

#include <sys/types.h>

#include <optional>
#include <string>

namespace taplaunch {

struct LinkFacts {
    int ifindex = 0;
    std::string name;
    std::string kind;        // IFLA_INFO_KIND: "bridge", "veth", "tun", "" for none
    unsigned mtu = 0;
    unsigned min_mtu = 0;    // IFLA_MIN_MTU, 0 where the kernel does not say
    unsigned max_mtu = 0;    // IFLA_MAX_MTU, 0 where the kernel does not say
    MacAddress mac;
    int master_ifindex = 0;  // 0: not attached
    unsigned group = 0;      // IFLA_GROUP, the link group (0: the default group)
    bool up = false;         // IFF_UP
    std::string alias;       // IFLA_IFALIAS
    // A bridge port's isolated flag (IFLA_BRPORT_ISOLATED in the slave data); nullopt for a
    // device that is no bridge port, or on a kernel without port isolation (before 4.18).
    std::optional<bool> port_isolated;
    // A bridge port's lock flags (IFLA_BRPORT_LOCKED, _LEARNING, _UNICAST_FLOOD); nullopt where
    // the kernel does not report them (locked: before 5.18).
    std::optional<bool> port_locked;
    std::optional<bool> port_learning;
    std::optional<bool> port_unicast_flood;
    int lower_ifindex = 0;   // IFLA_LINK: a macvtap's (or veth's peer's) device, 0 for none
    std::optional<unsigned> macvlan_mode;  // a macvtap's IFLA_MACVLAN_MODE (MACVLAN_MODE_*)
    std::optional<uid_t> tun_owner;  // a TAP's owner (IFLA_TUN_OWNER), where it has one
};

}  // namespace taplaunch
