#pragma once
// The fd numbers the emulator finds each TAP queue and vhost-net fd at.

#include "plan/tap_plan.hpp"

#include <set>
#include <vector>

namespace taplaunch {

// Numbers each TAP's queue fds, then its vhost fds, in NIC order: the lowest from 3 up that
// are not in `inherited` (what the caller handed taplaunch for the emulator). Throws
// DefinitionError when the NICs need more than max_emulator_fds.
void assign_emulator_fds(std::vector<TapPlan>& taps, const std::set<int>& inherited);

}  // namespace taplaunch
