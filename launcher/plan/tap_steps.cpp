#include "plan/tap_steps.hpp"

namespace taplaunch {

std::vector<TapStep> tap_steps_for(const TapPlan& tap)
{
    std::vector<TapStep> steps;
    steps.reserve(12);  // every step at most once
    steps.push_back(TapStep::create);
    if (!tap.vhost_fds.empty()) {
        steps.push_back(TapStep::open_vhost);
    }
    if (tap.macvtap) {
        // Its MAC, MTU, mode and owner record come with its creation; it joins no bridge.
        steps.push_back(TapStep::up);
        return steps;
    }
    if (tap.persistent) {
        steps.push_back(TapStep::record_owner);
        steps.push_back(TapStep::make_persistent);
    }
    // One at a time: GCC 14 reports a false stringop-overflow for inserting an initializer
    // list after the push_backs above.
    steps.push_back(TapStep::set_mac);
    steps.push_back(TapStep::set_mtu);
    const bool locked = tap.lock.mode != LockMode::off;
    if (locked) {
        steps.push_back(TapStep::add_lock_qdisc);
        steps.push_back(TapStep::add_lock_filter);
    }
    if (tap.ovs) {
        steps.push_back(TapStep::add_ovs_port);
    } else {
        steps.push_back(TapStep::attach);
    }
    // A new bridge port is not isolated, learns and floods: there are flags to set only for
    // isolated=on and a lock (on a Linux bridge; an Open vSwitch port gets its protected flag
    // with its row).
    if (tap.isolated || locked) {
        steps.push_back(TapStep::set_port_flags);
    }
    if (locked) {
        steps.push_back(TapStep::pin_mac);
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
    case TapStep::add_lock_qdisc:
        return "add_lock_qdisc";
    case TapStep::add_lock_filter:
        return "add_lock_filter";
    case TapStep::pin_mac:
        return "pin_mac";
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

std::string port_flags_text(const TapPlan& tap)
{
    std::string text = tap.isolated ? "isolated on" : "";
    if (tap.lock.mode != LockMode::off) {
        text += std::string(text.empty() ? "" : ", ") + "locked on, learning off, flood off";
    }
    return text;
}

namespace {

std::string lock_text(const TapPlan& tap)
{
    std::string text = "lock=" + std::string(lock_mode_name(tap.lock.mode)) + ": source MAC " +
                       tap.guest_mac.to_string();
    if (tap.lock.mode == LockMode::ip) {
        std::string addresses;
        for (const IpAddress& address : tap.lock.addresses) {
            if (address.family() == IpAddress::Family::ipv4) {
                addresses += ", " + address.to_string();
            }
        }
        for (const IpAddress& address : lock_ipv6_sources(tap.lock, tap.guest_mac)) {
            addresses += ", " + address.to_string();
        }
        text += ", sources " + addresses.substr(2) + " (and 0.0.0.0, :: for DHCP and DAD)";
    }
    return text;
}

}  // namespace

std::string describe_tap_step(const TapPlan& tap, TapStep step, std::string_view ifname)
{
    const std::string nic = "nic " + std::to_string(tap.nic_index) + ": ";
    const std::string name(ifname);
    switch (step) {
    case TapStep::create:
        if (tap.macvtap) {
            return nic + "create macvtap " + name + " on " + tap.macvtap->lower + " (mode " +
                   std::string(macvtap_mode_name(tap.macvtap->mode)) + ", MAC " +
                   tap.tap_mac.to_string() + ", MTU " + std::to_string(tap.mtu) +
                   "), set its alias to '" + tap.owner_alias + "', open its /dev/tapN " +
                   (tap.queues == 1 ? std::string("once") : std::to_string(tap.queues) + " times") +
                   " (" + tun_flags_text(tap) + ")";
        }
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
    case TapStep::add_lock_qdisc:
        return nic + "add a clsact qdisc to " + name + " (for its lock's ingress filter)";
    case TapStep::add_lock_filter:
        return nic + "filter what the guest sends into " + name + ": " + lock_text(tap) +
               " (tc bpf classifier, " + std::to_string(tap.lock_filter.size()) +
               " classic BPF instructions)";
    case TapStep::attach:
        return nic + "attach " + name + " to bridge " + tap.bridge;
    case TapStep::add_ovs_port:
        return nic + "add " + name + " to Open vSwitch bridge " + tap.bridge + " (" +
               describe_ovs_port(tap) + ")";
    case TapStep::set_port_flags:
        return nic + "set port flags of " + name + " on bridge " + tap.bridge + ": " +
               port_flags_text(tap);
    case TapStep::pin_mac:
        return nic + "pin " + tap.guest_mac.to_string() + " to port " + name + " of bridge " +
               tap.bridge + " (static FDB entry)";
    case TapStep::up:
        return nic + "set " + name + " up";
    }
    return nic + "unknown step";
}

}  // namespace taplaunch
