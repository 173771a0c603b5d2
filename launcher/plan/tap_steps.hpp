#pragma once
// The host changes for one TAP, in the one order that keeps a bridge from ever seeing the
// TAP's kernel-chosen MAC: create (and, for UML, record the owner, then make it persistent:
// a persistent TAP never exists without the record gc goes by), set MAC, set MTU, attach to
// the bridge (a Linux bridge by IFLA_MASTER; an Open vSwitch bridge by adding its port row with
// every setting in one transaction), set its bridge-port flags (isolation, the lock's), and
// only then up: no frame passes a port that is half set up. A locked TAP gets its ingress
// filter before it joins the bridge, and its MAC pinned to its port (a static FDB entry) before
// it comes up.

#include "plan/launch_plan.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace taplaunch {

enum class TapStep {
    create,
    open_vhost,
    record_owner,
    make_persistent,
    set_mac,
    set_mtu,
    add_lock_qdisc,
    add_lock_filter,
    attach,
    add_ovs_port,  // an Open vSwitch bridge's port, with its settings, instead of attach
    set_port_flags,
    pin_mac,
    up,
};

// The steps for one TAP, in order. Realizing and --dry-run both walk this list, so what is
// printed is what is done.
std::vector<TapStep> tap_steps_for(const TapPlan& tap);

// One line for a step, e.g. "nic 0: set MAC of tap0 to fe:54:00:12:34:56". `ifname` is the
// TAP's real name once created, else the requested name or template.
std::string describe_tap_step(const TapPlan& tap, TapStep step, std::string_view ifname);

// The step's short name ("create", "set_mac", "attach", ...), as TAPLAUNCH_TEST_PAUSE names it.
std::string_view tap_step_name(TapStep step);

// The port flags the set_port_flags step sets, e.g. "isolated on, locked on, learning off,
// flood off".
std::string port_flags_text(const TapPlan& tap);

// The TUNSETIFF flags as text, e.g. "IFF_TAP|IFF_NO_PI|IFF_VNET_HDR".
std::string tun_flags_text(const TapPlan& tap);

}  // namespace taplaunch
