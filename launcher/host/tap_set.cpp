#include "host/tap_set.hpp"

#include "host/test_pause.hpp"
#include "host/tun_device.hpp"
#include "launch_error.hpp"
#include "plan/tap_steps.hpp"

#include <stdexcept>

namespace taplaunch {

namespace {

void apply_step(ReadyTap& tap, TapStep step, NetlinkSocket& netlink)
{
    const TapPlan& plan = *tap.plan;
    switch (step) {
    case TapStep::create: {
        CreatedTap created = create_tap(plan.requested_ifname, plan.vnet_hdr, plan.queues);
        tap.queue_fds = std::move(created.queue_fds);
        tap.ifname = std::move(created.ifname);
        const auto link = netlink.find_link(tap.ifname);
        if (!link) {
            throw HostError("TAP '" + tap.ifname + "' vanished right after it was created");
        }
        tap.ifindex = link->ifindex;
        return;
    }
    case TapStep::open_vhost:
        for (std::size_t queue = 0; queue < plan.vhost_fds.size(); ++queue) {
            tap.vhost_fds.push_back(open_vhost_net());
        }
        return;
    case TapStep::make_persistent:
        make_tap_persistent(tap.queue_fds.at(0).get(), plan.owner_uid);
        tap.persistent = true;
        return;
    case TapStep::record_owner:
        netlink.set_alias(tap.ifindex, plan.owner_alias);
        return;
    case TapStep::set_mac:
        // A persistent TAP got its record before it became persistent; any other gets it in
        // the same request as its MAC, at no extra round trip.
        netlink.set_mac(tap.ifindex, plan.tap_mac,
                        tap.persistent ? std::string() : plan.owner_alias);
        return;
    case TapStep::set_mtu:
        netlink.set_mtu(tap.ifindex, plan.mtu);
        return;
    case TapStep::attach:
        try {
            netlink.set_master(tap.ifindex, plan.bridge_ifindex);
        } catch (const HostError& error) {
            // The kernel's answer (EINVAL) does not say that the bridge itself went away.
            const auto bridge = netlink.find_link(plan.bridge_ifindex);
            if (!bridge || bridge->kind != "bridge" || bridge->name != plan.bridge) {
                throw HostError(std::string(error.what()) + ": bridge " + plan.bridge +
                                " is gone (deleted while taplaunch set up its TAPs: create it "
                                "again, then launch again)");
            }
            throw;
        }
        return;
    case TapStep::set_port_flags: {
        netlink.set_port_isolated(tap.ifindex, plan.isolated);
        // A kernel without port isolation ignores the attribute it does not know: read back.
        const auto link = netlink.find_link(tap.ifindex);
        if (!link) {
            throw HostError(tap.ifname + " vanished while it was being set up");
        }
        if (link->port_isolated != plan.isolated) {
            throw HostError("the kernel reports " + tap.ifname + " as " +
                            (link->port_isolated ? "not isolated" : "a port without an isolated flag") +
                            " (bridge port isolation needs Linux 4.18 or later; drop isolated=)");
        }
        return;
    }
    case TapStep::up:
        netlink.set_up(tap.ifindex);
        return;
    }
}

}  // namespace

TapSet::TapSet(std::shared_ptr<NetlinkSocket> netlink, StepLogger log)
    : netlink_(std::move(netlink)), log_(std::move(log))
{
}

TapSet::TapSet(TapSet&& other) noexcept
    : netlink_(std::move(other.netlink_)), log_(std::move(other.log_)),
      taps_(std::move(other.taps_))
{
    other.taps_.clear();
}

TapSet::~TapSet()
{
    remove_all();
}

std::vector<std::string> TapSet::names() const
{
    std::vector<std::string> names;
    for (const ReadyTap& tap : taps_) {
        names.push_back(tap.ifname);
    }
    return names;
}

std::vector<std::string> TapSet::remove_all()
{
    std::vector<std::string> problems;
    // In reverse, as a transaction undoes.
    for (auto tap = taps_.rbegin(); tap != taps_.rend(); ++tap) {
        tap->vhost_fds.clear();
        tap->queue_fds.clear();
        if (!tap->persistent) {
            continue;  // its last fd is closed: the kernel removed it
        }
        try {
            const auto link = netlink_->find_link(tap->ifindex);
            if (!link) {
                continue;
            }
            if (link->alias != tap->plan->owner_alias) {
                problems.push_back("left " + link->name + " alone: it no longer carries our alias");
                continue;
            }
            netlink_->delete_link(tap->ifindex);
            if (log_) {
                log_("nic " + std::to_string(tap->plan->nic_index) + ": removed " + tap->ifname);
            }
        } catch (const std::exception& error) {
            problems.push_back("could not remove " + tap->ifname + ": " + error.what() +
                               " (remove it with: ip link del " + tap->ifname + ")");
        }
    }
    taps_.clear();
    return problems;
}

std::vector<ReadyTap> TapSet::release_for_exec()
{
    for (const ReadyTap& tap : taps_) {
        if (tap.persistent) {
            throw std::logic_error("persistent TAPs cannot be handed to exec");
        }
    }
    netlink_.reset();
    return std::exchange(taps_, {});
}

TapSet set_up_taps(const LaunchPlan& plan, std::shared_ptr<NetlinkSocket> netlink,
                   const StepLogger& log)
{
    NetlinkSocket& socket = *netlink;
    TapSet set(std::move(netlink), log);
    set.taps().reserve(plan.taps.size());
    for (const TapPlan& tap_plan : plan.taps) {
        ReadyTap& tap = set.taps().emplace_back();
        tap.plan = &tap_plan;
        for (TapStep step : tap_steps_for(tap_plan)) {
            const std::string_view name =
                tap.ifname.empty() ? std::string_view(tap_plan.requested_ifname) : tap.ifname;
            const std::string description = describe_tap_step(tap_plan, step, name);
            pause_point("nic" + std::to_string(tap_plan.nic_index) + ":" +
                        std::string(tap_step_name(step)));
            try {
                apply_step(tap, step, socket);
            } catch (const HostError& error) {
                // `set` goes out of scope on the way up and removes every TAP made so far.
                throw HostError(description + " failed: " + error.what());
            }
            log(step == TapStep::create ? describe_tap_step(tap_plan, step, tap.ifname)
                                        : description);
        }
    }
    // UML opens a persistent TAP by name, and a single-queue TAP takes one fd at a time.
    for (ReadyTap& tap : set.taps()) {
        if (tap.persistent) {
            tap.queue_fds.clear();
        }
    }
    return set;
}

}  // namespace taplaunch
