#include "tap_steps.hpp"

namespace taplaunch {

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
