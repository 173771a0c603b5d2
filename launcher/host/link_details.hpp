#pragma once
// LinkDetails: one link as the kernel reports it, with what `taplaunch doctor` needs beyond
// LinkFacts: its operational state, a bridge's own settings and a bridge port's.

#include "plan/link_facts.hpp"

#include <optional>
#include <string>

namespace taplaunch {

// IFLA_INFO_DATA of a bridge.
struct BridgeSettings {
    std::optional<unsigned> stp_state;          // IFLA_BR_STP_STATE: 0 off, 1 kernel, 2 user space
    std::optional<unsigned> forward_delay;      // IFLA_BR_FORWARD_DELAY, in hundredths of a second
    std::optional<bool> nf_call_iptables;       // IFLA_BR_NF_CALL_IPTABLES
    std::optional<bool> nf_call_ip6tables;      // IFLA_BR_NF_CALL_IP6TABLES
};

// IFLA_INFO_SLAVE_DATA of a bridge port.
struct BridgePortSettings {
    std::optional<unsigned> state;              // IFLA_BRPORT_STATE: BR_STATE_DISABLED ... BLOCKING
    std::optional<bool> isolated;               // IFLA_BRPORT_ISOLATED; none: the kernel has no
                                                // port isolation (before 4.18)
};

struct LinkDetails {
    LinkFacts link;
    std::string operstate;                      // IFLA_OPERSTATE as ip shows it: "up", "down", ...
    std::optional<BridgeSettings> bridge;       // when it is a bridge
    std::optional<BridgePortSettings> port;     // when it is a bridge's port
};

}  // namespace taplaunch
