#pragma once
// Where each TAP fd goes in the emulator: every queue fd and vhost-net fd of every TAP, at the
// number the plan gave it.

#include "handoff/fd_placement.hpp"
#include "host/tap_set.hpp"

#include <vector>

namespace taplaunch {

std::vector<FdPlacement> tap_fd_placements(const std::vector<ReadyTap>& taps);

}  // namespace taplaunch
