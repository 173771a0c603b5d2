#include "tap_setup.hpp"

#include "launch_error.hpp"
#include "tap_steps.hpp"
#include "tun_device.hpp"

namespace taplaunch {

namespace {

void apply_step(ReadyTap& tap, TapStep step, NetlinkSocket& netlink)
{
    const TapPlan& plan = *tap.plan;
    switch (step) {
    case TapStep::create: {
        CreatedTap created = create_tap(plan.requested_ifname, plan.vnet_hdr);
        tap.fd = std::move(created.fd);
        tap.ifname = std::move(created.ifname);
        const auto link = netlink.find_link(tap.ifname);
        if (!link) {
            throw HostError("TAP '" + tap.ifname + "' vanished right after it was created");
        }
        tap.ifindex = link->ifindex;
        return;
    }
    case TapStep::set_mac:
        netlink.set_mac(tap.ifindex, plan.tap_mac);
        return;
    case TapStep::set_mtu:
        netlink.set_mtu(tap.ifindex, plan.mtu);
        return;
    case TapStep::attach:
        netlink.set_master(tap.ifindex, plan.bridge_ifindex);
        return;
    case TapStep::up:
        netlink.set_up(tap.ifindex);
        return;
    }
}

}  // namespace

std::vector<ReadyTap> set_up_taps(const LaunchPlan& plan, NetlinkSocket& netlink,
                                  const StepLogger& log)
{
    std::vector<ReadyTap> taps;
    taps.reserve(plan.taps.size());
    for (const TapPlan& tap_plan : plan.taps) {
        ReadyTap& tap = taps.emplace_back();
        tap.plan = &tap_plan;
        for (TapStep step : tap_step_order) {
            const std::string_view name =
                tap.ifname.empty() ? std::string_view(tap_plan.requested_ifname) : tap.ifname;
            const std::string description = describe_tap_step(tap_plan, step, name);
            try {
                apply_step(tap, step, netlink);
            } catch (const HostError& error) {
                // `taps` goes out of scope on the way up: every TAP made so far is closed.
                throw HostError(description + " failed: " + error.what());
            }
            log(step == TapStep::create ? describe_tap_step(tap_plan, step, tap.ifname)
                                        : description);
        }
    }
    return taps;
}

}  // namespace taplaunch
