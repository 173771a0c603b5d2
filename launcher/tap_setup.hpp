#pragma once
// Realizing a plan's TAPs on the host: create, MAC, MTU, attach, up, in that order.

#include "launch_plan.hpp"
#include "netlink_socket.hpp"
#include "unique_fd.hpp"

#include <functional>
#include <string>
#include <vector>

namespace taplaunch {

// A TAP taplaunch created and still holds. It is not persistent: when its last fd closes,
// the kernel removes it, so dropping a ReadyTap undoes every change made for it.
struct ReadyTap {
    const TapPlan* plan = nullptr;
    UniqueFd fd;
    std::string ifname;
    int ifindex = 0;
};

using StepLogger = std::function<void(const std::string& line)>;

// Creates and wires every TAP of the plan, logging each step as it completes. All or
// nothing: on failure the TAPs made so far are closed (and so removed) and HostError says
// which NIC, device and step failed.
std::vector<ReadyTap> set_up_taps(const LaunchPlan& plan, NetlinkSocket& netlink,
                                  const StepLogger& log);

}  // namespace taplaunch
