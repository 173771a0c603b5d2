#include "host/tap_set.hpp"

#include "host/macvtap_link.hpp"
#include "host/ovs_database.hpp"
#include "host/test_pause.hpp"
#include "host/tun_device.hpp"
#include "launch_error.hpp"
#include "plan/launch_steps.hpp"
#include "plan/tap_steps.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

namespace taplaunch {

namespace {

// A macvtap NIC's create step: the link (marked at once, so that a failure below deletes it),
// its owner record (a request of its own: the kernel ignores an alias in the creating one),
// then its queues opened through its device node.
void create_macvtap_nic(ReadyTap& tap, TapSetLinks& links, const StepLogger& log)
{
    const TapPlan& plan = *tap.plan;
    for (const std::string& line : remove_stale_macvtaps(plan, links)) {
        if (log) {
            log("nic " + std::to_string(plan.nic_index) + ": " + line);
        }
    }
    const CreatedMacvtap created = create_macvtap(plan, links);
    tap.ifname = created.ifname;
    tap.ifindex = created.ifindex;
    LinkChange record;
    record.ifindex = tap.ifindex;
    record.alias = plan.owner_alias;
    if (const std::string error = links.apply({record}).front(); !error.empty()) {
        // Not yet ours by its alias, but just made by this set under this index: deleted here.
        LinkChange remove;
        remove.ifindex = tap.ifindex;
        remove.remove = true;
        links.apply({remove});
        throw HostError("setting the alias of macvtap " + tap.ifname + ": " + error);
    }
    tap.macvtap = true;
    tap.queue_fds = open_macvtap_queues(tap.ifindex, tap.ifname, plan.vnet_hdr, plan.queues);
}

// Carries out a step that is not a link change: creating the TAP (and learning its index),
// opening vhost-net, making it persistent.
void apply_local_step(ReadyTap& tap, TapStep step, TapSetLinks& links, const StepLogger& log)
{
    const TapPlan& plan = *tap.plan;
    switch (step) {
    case TapStep::create: {
        if (plan.macvtap) {
            create_macvtap_nic(tap, links, log);
            return;
        }
        CreatedTap created = create_tap(plan.requested_ifname, plan.vnet_hdr, plan.queues);
        tap.queue_fds = std::move(created.queue_fds);
        tap.ifname = std::move(created.ifname);
        tap.ifindex = links.index_of(tap.ifname);
        if (tap.ifindex == 0) {
            throw HostError("TAP '" + tap.ifname + "' vanished right after it was created");
        }
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
    case TapStep::add_ovs_port:
        // Marked first: a transaction that fails after its commit leaves a row to remove, and
        // removing a row that is not there is no error.
        tap.ovs_port = true;
        add_ovs_port(plan, tap.ifname);
        return;
    default:
        throw std::logic_error("a link change carried out as a local step");
    }
}

// Adds what `step` changes to the TAP's request of this phase.
void add_to_change(LinkChange& change, const ReadyTap& tap, TapStep step)
{
    const TapPlan& plan = *tap.plan;
    switch (step) {
    case TapStep::record_owner:
        change.alias = plan.owner_alias;
        return;
    case TapStep::set_mac:
        change.mac = plan.tap_mac;
        // A persistent TAP got its record before it became persistent; any other gets it in
        // the same request as its MAC, at no extra round trip.
        if (!tap.persistent) {
            change.alias = plan.owner_alias;
        }
        return;
    case TapStep::set_mtu:
        change.mtu = plan.mtu;
        return;
    case TapStep::attach:
        change.master = plan.bridge_ifindex;
        return;
    case TapStep::add_lock_qdisc:
        change.add_clsact = true;
        return;
    case TapStep::add_lock_filter:
        change.ingress_filter = plan.lock_filter;
        return;
    case TapStep::set_port_flags:
        if (plan.isolated) {
            change.port_isolated = true;
        }
        change.port_lock = plan.lock.mode != LockMode::off;
        return;
    case TapStep::pin_mac:
        change.pinned_mac = plan.guest_mac;
        return;
    case TapStep::up:
        change.up = true;
        return;
    default:
        throw std::logic_error("a local step sent as a link change");
    }
}

// The kernel's answer to a failed attach (EINVAL) does not say that the bridge itself went.
std::string explain_attach_failure(const TapPlan& plan, const TapSetLinks& links,
                                   const std::string& error)
{
    const auto bridge = links.find_link(plan.bridge_ifindex);
    if (!bridge || bridge->kind != "bridge" || bridge->name != plan.bridge) {
        return error + ": bridge " + plan.bridge +
               " is gone (deleted while taplaunch set up its TAPs: create it again, then launch "
               "again)";
    }
    return error;
}

// A kernel without port isolation (before 4.18) or locked ports (before 5.18) ignores the
// attribute it does not know: read the flags back.
void check_port_flags(const ReadyTap& tap, const TapSetLinks& links)
{
    const auto link = links.find_link(tap.ifindex);
    if (!link) {
        throw HostError(tap.ifname + " vanished while it was being set up");
    }
    if (tap.plan->lock.mode != LockMode::off) {
        if (!link->port_locked.value_or(false)) {
            throw HostError("the kernel reports " + tap.ifname +
                            " as a port without the locked flag (lock= needs bridge port "
                            "locking, Linux 5.18 or later; drop lock=)");
        }
        if (link->port_learning.value_or(true) || link->port_unicast_flood.value_or(true)) {
            throw HostError("the kernel reports " + tap.ifname +
                            " still learning or flooding unknown unicast (lock= needs both off)");
        }
    }
    if (tap.plan->isolated && link->port_isolated != true) {
        throw HostError("the kernel reports " + tap.ifname + " as " +
                        (link->port_isolated ? "not isolated" : "a port without an isolated flag") +
                        " (bridge port isolation needs Linux 4.18 or later; drop isolated=)");
    }
}

// What a lock's request needs of the kernel, for its error.
std::string lock_feature_hint(const LinkChange& change)
{
    if (change.add_clsact) {
        return " (lock= needs the clsact qdisc: CONFIG_NET_SCH_INGRESS, Linux 4.5 or later)";
    }
    if (change.ingress_filter) {
        return " (lock= needs tc's bpf classifier in direct-action mode: CONFIG_NET_CLS_BPF, "
               "Linux 4.5 or later)";
    }
    if (change.pinned_mac) {
        return " (the guest's MAC is already in the bridge's forwarding table: another device "
               "on the bridge uses it; pick another mac=)";
    }
    return "";
}

std::string step_point(const TapPlan& plan, TapStep step)
{
    return "nic" + std::to_string(plan.nic_index) + ":" + std::string(tap_step_name(step));
}

}  // namespace

TapSet::TapSet(std::shared_ptr<NetlinkSocket> netlink, StepLogger log)
    : TapSet(netlink_tap_set_links(std::move(netlink)), std::move(log))
{
}

TapSet::TapSet(std::unique_ptr<TapSetLinks> links, StepLogger log)
    : links_(std::move(links)), log_(std::move(log))
{
}

TapSet::TapSet(TapSet&& other) noexcept
    : links_(std::move(other.links_)), log_(std::move(other.log_)), taps_(std::move(other.taps_))
{
    other.taps_.clear();
}

TapSet::~TapSet()
{
    // On an error path no caller reads what remove_all reports: a persistent TAP left behind
    // is said here, a line each, with the command that removes it.
    try {
        for (const std::string& problem : remove_all()) {
            report_line(problem);
        }
    } catch (const std::exception& error) {
        report_line(std::string("removing this launch's TAPs failed: ") + error.what() +
                    " (list what is left with: ip -d link show type tun)");
    } catch (...) {
    }
}

std::vector<std::string> TapSet::names() const
{
    std::vector<std::string> names;
    for (const ReadyTap& tap : taps_) {
        names.push_back(tap.ifname);
    }
    return names;
}

namespace {

// A TAP is still this set's while it carries the owner record the set gave it.
bool still_ours(const ReadyTap& tap, const LinkFacts& link)
{
    return link.alias == tap.plan->owner_alias;
}

std::string left_alone(const std::string& name)
{
    return "left " + name +
           " alone: it no longer carries our alias (if nothing uses it, remove it "
           "with: ip link del " + name + ")";
}

}  // namespace

void TapSet::log_removed(const ReadyTap& tap) const
{
    if (log_) {
        log_("nic " + std::to_string(tap.plan->nic_index) + ": removed " + tap.ifname);
    }
}

std::vector<const ReadyTap*> TapSet::remove_as_group(const std::vector<const ReadyTap*>& ours,
                                                     const std::vector<LinkFacts>& listed)
{
    // A group number no link in this namespace has: link groups are shared by the whole
    // namespace, so taplaunch takes a random one, checks that only its TAPs are in it, each
    // still carrying its alias, right before deleting, and gives up (putting them back in
    // group 0) otherwise. The check cannot be part of the deletion: an RTM_DELLINK for a
    // group deletes whatever the group holds then (rtnl_group_dellink).
    std::set<unsigned> used;
    for (const LinkFacts& link : listed) {
        used.insert(link.group);
    }
    std::random_device random;
    std::uniform_int_distribution<unsigned> numbers(0x10000, 0x7fffffff);
    unsigned group = numbers(random);
    while (used.contains(group)) {
        group = numbers(random);
    }
    std::vector<LinkChange> into_group;
    std::map<int, const ReadyTap*> wanted;
    for (const ReadyTap* tap : ours) {
        LinkChange change;
        change.ifindex = tap->ifindex;
        change.group = group;
        into_group.push_back(change);
        wanted.emplace(tap->ifindex, tap);
    }
    const auto back_to_group_0 = [&] {
        for (LinkChange& change : into_group) {
            change.group = 0;
        }
        links_->apply(into_group);
        return ours;
    };
    const auto failures = links_->apply(into_group);
    if (!std::all_of(failures.begin(), failures.end(),
                     [](const std::string& failure) { return failure.empty(); })) {
        return back_to_group_0();
    }
    pause_point("teardown:grouped");
    std::size_t members = 0;
    for (const LinkFacts& link : links_->list_links()) {
        if (link.group != group) {
            continue;
        }
        ++members;
        const auto tap = wanted.find(link.ifindex);
        if (tap == wanted.end() || !still_ours(*tap->second, link)) {
            return back_to_group_0();
        }
    }
    if (members != wanted.size()) {
        return back_to_group_0();
    }
    LinkChange remove;
    remove.remove = true;
    remove.group = group;
    if (!links_->apply({remove}).front().empty()) {
        return back_to_group_0();
    }
    for (const ReadyTap* tap : ours) {
        log_removed(*tap);
    }
    return {};
}

void TapSet::remove_one(const ReadyTap& tap, std::vector<std::string>& problems)
{
    // Looked at right before the request that deletes it: the kernel deletes by index whatever
    // else a request says (rtnl_dellink honours no IFLA_IFNAME, IFLA_IFALIAS or IFLA_GROUP
    // beside an ifindex), so the request itself cannot carry the check.
    const auto link = links_->find_link(tap.ifindex);
    if (!link) {
        return;  // gone already
    }
    if (!still_ours(tap, *link)) {
        problems.push_back(left_alone(link->name));
        return;
    }
    LinkChange remove;
    remove.ifindex = tap.ifindex;
    remove.remove = true;
    if (const std::string error = links_->apply({remove}).front(); !error.empty()) {
        throw HostError(error);
    }
    log_removed(tap);
}

std::vector<std::string> TapSet::remove_all()
{
    std::vector<std::string> problems;
    // In reverse, as a transaction undoes. A TAP that is not persistent goes with its fds.
    for (auto tap = taps_.rbegin(); tap != taps_.rend(); ++tap) {
        tap->vhost_fds.clear();
        tap->queue_fds.clear();
    }
    // The port rows go with the TAPs: nothing in Open vSwitch removes them by itself.
    for (auto tap = taps_.rbegin(); tap != taps_.rend(); ++tap) {
        if (!tap->ovs_port) {
            continue;
        }
        OvsRemoval removal =
            remove_ovs_port(tap->plan->bridge, tap->ifname, tap->plan->owner_alias);
        if (!removal.problem.empty()) {
            problems.push_back(std::move(removal.problem));
        } else if (log_ && removal.outcome == OvsRemoval::Outcome::removed) {
            log_("nic " + std::to_string(tap->plan->nic_index) + ": removed Open vSwitch port " +
                 tap->ifname + " from " + tap->plan->bridge);
        }
        tap->ovs_port = false;
    }
    std::vector<const ReadyTap*> ours;
    for (auto tap = taps_.rbegin(); tap != taps_.rend(); ++tap) {
        if (tap->persistent || tap->macvtap) {
            ours.push_back(&*tap);
        }
    }
    if (ours.empty() || !links_) {  // no links_: released for exec, so nothing to delete
        taps_.clear();
        return problems;
    }
    if (ours.size() > 1) {
        try {
            // Only TAPs that are there and still ours join a group; the others are looked at
            // again, one by one, below.
            const std::vector<LinkFacts> listed = links_->list_links();
            std::map<int, const LinkFacts*> by_index;
            for (const LinkFacts& link : listed) {
                by_index.emplace(link.ifindex, &link);
            }
            std::vector<const ReadyTap*> grouped;
            std::vector<const ReadyTap*> rest;
            for (const ReadyTap* tap : ours) {
                const auto link = by_index.find(tap->ifindex);
                const bool groupable = link != by_index.end() && still_ours(*tap, *link->second);
                (groupable ? grouped : rest).push_back(tap);
            }
            if (grouped.size() > 1) {
                grouped = remove_as_group(grouped, listed);
            }
            grouped.insert(grouped.end(), rest.begin(), rest.end());
            ours = std::move(grouped);
        } catch (const std::exception&) {
            // Below, one by one, each with its own error.
        }
    }
    for (const ReadyTap* tap : ours) {
        try {
            remove_one(*tap, problems);
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
    links_.reset();
    return std::exchange(taps_, {});
}

TapSet set_up_taps(const LaunchPlan& plan, std::shared_ptr<NetlinkSocket> netlink,
                   const StepLogger& log)
{
    if (plan.taps.empty()) {
        return TapSet(std::unique_ptr<TapSetLinks>(), log);  // nothing to change: no socket
    }
    TapSet set(std::move(netlink), log);
    TapSetLinks& links = set.links();
    std::vector<ReadyTap>& taps = set.taps();
    taps.reserve(plan.taps.size());
    for (const TapPlan& tap_plan : plan.taps) {
        taps.emplace_back().plan = &tap_plan;
    }
    // `set` removes every TAP made so far when an exception leaves this function.
    const auto name_of = [&](const ReadyTap& tap) -> std::string_view {
        return tap.ifname.empty() ? std::string_view(tap.plan->requested_ifname) : tap.ifname;
    };
    for (const LaunchPhase& phase : launch_phases(plan)) {
        if (phase.kind == PhaseKind::local) {
            for (const PlannedStep& planned : phase.steps) {
                ReadyTap& tap = taps[planned.tap];
                const std::string name_before(name_of(tap));  // for an error's description
                pause_point(step_point(*tap.plan, planned.step));
                try {
                    apply_local_step(tap, planned.step, links, log);
                } catch (const HostError& error) {
                    throw HostError(describe_tap_step(*tap.plan, planned.step, name_before) +
                                    " failed: " + error.what());
                }
                if (log) {
                    log(describe_tap_step(*tap.plan, planned.step, name_of(tap)));
                }
            }
            continue;
        }
        // The phase's pause points come before its requests are built: nothing reaches the
        // kernel before links.apply below, and a signal taken at a pause point that ends the
        // process then leaves no request half built on the heap.
        for (const PlannedStep& planned : phase.steps) {
            pause_point(step_point(*taps[planned.tap].plan, planned.step));
        }
        // One request a TAP, all sent together: the steps of one phase for different TAPs do
        // not depend on each other, and a TAP whose request fails takes no further step.
        std::vector<LinkChange> requests;
        std::vector<std::vector<TapStep>> steps_of_request;
        std::vector<std::size_t> tap_of_request;
        for (const PlannedStep& planned : phase.steps) {
            if (tap_of_request.empty() || tap_of_request.back() != planned.tap) {
                requests.push_back(LinkChange{});
                requests.back().ifindex = taps[planned.tap].ifindex;
                steps_of_request.emplace_back();
                tap_of_request.push_back(planned.tap);
            }
            add_to_change(requests.back(), taps[planned.tap], planned.step);
            steps_of_request.back().push_back(planned.step);
        }
        const std::vector<std::string> errors = links.apply(requests);
        for (std::size_t request = 0; request < requests.size(); ++request) {
            const ReadyTap& tap = taps[tap_of_request[request]];
            // What the request did, for an error: built only when one needs it.
            const auto description = [&] {
                std::string text;
                for (const TapStep step : steps_of_request[request]) {
                    const std::string line = describe_tap_step(*tap.plan, step, tap.ifname);
                    // "nic 0: set MAC of tap0 to ..." and "nic 0: set MTU of tap0 to ..." as one.
                    text += text.empty() ? line : ", " + line.substr(line.find(": ") + 2);
                }
                return text;
            };
            if (!errors[request].empty()) {
                std::string error = errors[request];
                if (requests[request].master) {
                    error = explain_attach_failure(*tap.plan, links, error);
                }
                error += lock_feature_hint(requests[request]);
                throw HostError(description() + " failed: " + error);
            }
            if (requests[request].port_isolated || requests[request].port_lock) {
                try {
                    check_port_flags(tap, links);
                } catch (const HostError& error) {
                    throw HostError(description() + " failed: " + error.what());
                }
            }
            for (const TapStep step : steps_of_request[request]) {
                if (log) {
                    log(describe_tap_step(*tap.plan, step, tap.ifname));
                }
            }
        }
    }
    // UML opens a persistent TAP by name, and a single-queue TAP takes one fd at a time.
    for (ReadyTap& tap : taps) {
        if (tap.persistent) {
            tap.queue_fds.clear();
        }
    }
    return set;
}

}  // namespace taplaunch
