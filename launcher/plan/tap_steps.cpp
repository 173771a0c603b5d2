#include "plan/tap_steps.hpp"

namespace taplaunch {

std::vector<TapStep> tap_steps_for(const TapPlan& tap)
{
    std::vector<TapStep> steps;
    steps.reserve(9);  // every step at most once
    steps.push_back(TapStep::create);
    if (!tap.vhost_fds.empty()) {
        steps.push_back(TapStep::open_vhost);
    }
    if (tap.persistent) {
        steps.push_back(TapStep::record_owner);
        steps.push_back(TapStep::make_persistent);
    }
    // One at a time: GCC 14 reports a false stringop-overflow for inserting an initializer
    // list after the push_backs above.
    steps.push_back(TapStep::set_mac);
    steps.push_back(TapStep::set_mtu);
    if (tap.ovs) {
        steps.push_back(TapStep::add_ovs_port);
    } else {
        steps.push_back(TapStep::attach);
    }
    // A new bridge port is not isolated: there is a flag to set only for isolated=on.
    if (tap.isolated) {
        steps.push_back(TapStep::set_port_flags);
    }
    steps.push_back(TapStep::up);
    return steps;
}

std::string_view tap_step_name(TapStep step)
{
    switch (step) {
    case TapStep::create:
        return "create";
    case TapStep::open_vhost:
        return "open_vhost";
    case TapStep::record_owner:
        return "record_owner";
    case TapStep::make_persistent:
        return "make_persistent";
    case TapStep::set_mac:
        return "set_mac";
    case TapStep::set_mtu:
        return "set_mtu";
    case TapStep::attach:
        return "attach";
    case TapStep::add_ovs_port:
        return "add_ovs_port";
    case TapStep::set_port_flags:
        return "set_port_flags";
    case TapStep::up:
        return "up";
    }
    return "unknown";
}

std::string tun_flags_text(const TapPlan& tap)
{
    return std::string("IFF_TAP|IFF_NO_PI") + (tap.vnet_hdr ? "|IFF_VNET_HDR" : "") +
           (tap.queues > 1 ? "|IFF_MULTI_QUEUE" : "");
}

std::string describe_tap_step(const TapPlan& tap, TapStep step, std::string_view ifname)
{
    const std::string nic = "nic " + std::to_string(tap.nic_index) + ": ";
    const std::string name(ifname);
    switch (step) {
    case TapStep::create:
        return nic + "create TAP " + name + " (" + tun_flags_text(tap) + ")" +
               (tap.queues > 1 ? " with " + std::to_string(tap.queues) + " queues" : "");
    case TapStep::open_vhost:
        return nic + "open /dev/vhost-net " +
               (tap.vhost_fds.size() == 1 ? std::string("once")
                                          : std::to_string(tap.vhost_fds.size()) + " times") +
               " for " + name;
    case TapStep::make_persistent:
        return nic + "make " + name + " persistent, owned by uid " + std::to_string(tap.owner_uid);
    case TapStep::record_owner:
        return nic + "set alias of " + name + " to '" + tap.owner_alias + "'";
    case TapStep::set_mac:
        return nic + "set MAC of " + name + " to " + tap.tap_mac.to_string() +
               (tap.persistent ? "" : " and its alias to '" + tap.owner_alias + "'");
    case TapStep::set_mtu:
        return nic + "set MTU of " + name + " to " + std::to_string(tap.mtu);
    case TapStep::attach:
        return nic + "attach " + name + " to bridge " + tap.bridge;
    case TapStep::add_ovs_port:
        return nic + "add " + name + " to Open vSwitch bridge " + tap.bridge + " (" +
               describe_ovs_port(tap) + ")";
    case TapStep::set_port_flags:
        return nic + "set port flags of " + name + " on bridge " + tap.bridge + ": isolated on";
    case TapStep::up:
        return nic + "set " + name + " up";
    }
    return nic + "unknown step";
}

}  // namespace taplaunch
