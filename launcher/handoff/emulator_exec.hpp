#pragma once
// Handing over to the emulator by exec: same PID, nothing of taplaunch left resident.

#include "host/tap_set.hpp"
#include "plan/launch_plan.hpp"

#include <string>
#include <vector>

namespace taplaunch {

// Moves each TAP fd to the number the plan gave it (inheritable; everything else taplaunch
// opened is close-on-exec) and execs the emulator with `argv`. Returns only by throwing
// HostError, after closing every TAP fd, which removes the TAPs again.
[[noreturn]] void exec_emulator(const LaunchPlan& plan, const std::vector<std::string>& argv,
                                std::vector<ReadyTap> taps);

}  // namespace taplaunch
