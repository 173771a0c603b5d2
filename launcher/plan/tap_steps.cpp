#include "plan/tap_steps.hpp"

namespace taplaunch {

std::vector<TapStep> tap_steps_for(const TapPlan& tap)
{
    if (tap.persistent) {
        return {TapStep::create, TapStep::record_owner, TapStep::make_persistent, TapStep::set_mac,
                TapStep::set_mtu, TapStep::attach, TapStep::up};
    }
    return {TapStep::create, TapStep::set_mac, TapStep::set_mtu, TapStep::attach, TapStep::up};
}

std::string tun_flags_text(const TapPlan& tap)
{
    return std::string("IFF_TAP|IFF_NO_PI") + (tap.vnet_hdr ? "|IFF_VNET_HDR" : "");
}

std::string describe_tap_step(const TapPlan& tap, TapStep step, std::string_view ifname)
{
    const std::string nic = "nic " + std::to_string(tap.nic_index) + ": ";
    const std::string name(ifname);
    switch (step) {
    case TapStep::create:
        return nic + "create TAP " + name + " (" + tun_flags_text(tap) + ")";
    case TapStep::make_persistent:
        return nic + "make " + name + " persistent, owned by uid " + std::to_string(tap.owner_uid);
    case TapStep::record_owner:
        return nic + "set alias of " + name + " to '" + tap.owner_alias + "'";
    case TapStep::set_mac:
        return nic + "set MAC of " + name + " to " + tap.tap_mac.to_string();
    case TapStep::set_mtu:
        return nic + "set MTU of " + name + " to " + std::to_string(tap.mtu);
    case TapStep::attach:
        return nic + "attach " + name + " to bridge " + tap.bridge;
    case TapStep::up:
        return nic + "set " + name + " up";
    }
    return nic + "unknown step";
}

}  // namespace taplaunch
