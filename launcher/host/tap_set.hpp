#pragma once
// Realizing a plan's TAPs on the host, each in the order tap_steps_for() gives, as one
// transaction: a TapSet removes every TAP it holds when it goes away.

#include "host/netlink_socket.hpp"
#include "host/unique_fd.hpp"
#include "plan/launch_plan.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace taplaunch {

// A TAP taplaunch created. A non-persistent one lives as long as its fds (the kernel removes
// it when the last one closes); a persistent one must be deleted over netlink.
struct ReadyTap {
    const TapPlan* plan = nullptr;
    std::vector<UniqueFd> queue_fds;  // one per queue, in the plan's queue order
    std::vector<UniqueFd> vhost_fds;  // /dev/vhost-net, one per queue, or none
    std::string ifname;
    int ifindex = 0;
    bool persistent = false;  // TUNSETPERSIST succeeded: closing the fd no longer removes it
};

using StepLogger = std::function<void(const std::string& line)>;

// The set shares the netlink socket it removes persistent TAPs with, so it can always undo
// itself, whoever else drops the socket first.
class TapSet {
public:
    TapSet(std::shared_ptr<NetlinkSocket> netlink, StepLogger log);
    TapSet(TapSet&& other) noexcept;
    TapSet& operator=(TapSet&&) = delete;
    TapSet(const TapSet&) = delete;
    TapSet& operator=(const TapSet&) = delete;
    // Removes whatever it still holds (a failed or finished launch leaves nothing behind).
    ~TapSet();

    std::vector<ReadyTap>& taps() { return taps_; }
    // Each TAP's real name, in NIC order.
    std::vector<std::string> names() const;
    // Removes every TAP now, logging each; returns one line per TAP it could not remove.
    std::vector<std::string> remove_all();
    // Hands the TAPs to exec_emulator, and lets go of the netlink socket (its fd may stand
    // where a TAP fd must go). Only for TAPs that vanish with their fds; throws
    // std::logic_error, the set unchanged, for persistent ones.
    [[nodiscard]] std::vector<ReadyTap> release_for_exec();

private:
    std::shared_ptr<NetlinkSocket> netlink_;
    StepLogger log_;
    std::vector<ReadyTap> taps_;
};

// Creates and wires every TAP of the plan, logging each step as it completes. All or
// nothing: on failure the TAPs made so far are removed and HostError says which NIC, device
// and step failed. Persistent TAPs are left without an attached fd, ready for UML to open.
TapSet set_up_taps(const LaunchPlan& plan, std::shared_ptr<NetlinkSocket> netlink,
                   const StepLogger& log);

}  // namespace taplaunch
