#include "handoff/tap_fd_placements.hpp"

namespace taplaunch {

namespace {

void place_all(const std::vector<UniqueFd>& fds, const std::vector<int>& targets,
               std::vector<FdPlacement>& placements)
{
    for (std::size_t i = 0; i < fds.size() && i < targets.size(); ++i) {
        if (fds[i].valid() && targets[i] >= 0) {
            placements.push_back({fds[i].get(), targets[i]});
        }
    }
}

}  // namespace

std::vector<FdPlacement> tap_fd_placements(const std::vector<ReadyTap>& taps)
{
    std::vector<FdPlacement> placements;
    for (const ReadyTap& tap : taps) {
        place_all(tap.queue_fds, tap.plan->queue_fds, placements);
        place_all(tap.vhost_fds, tap.plan->vhost_fds, placements);
    }
    return placements;
}

}  // namespace taplaunch
