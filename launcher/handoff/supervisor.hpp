#pragma once
// Supervise mode: taplaunch stays the emulator's parent, forwards signals to it, waits, and
// removes the TAPs it created, however the emulator ends.

#include "handoff/blocked_signals.hpp"
#include "host/tap_set.hpp"
#include "plan/launch_plan.hpp"

#include <string>
#include <vector>

namespace taplaunch {

// Starts the emulator (Boost.Process) with stdin, stdout and stderr passed through and the
// plan's TAP fds placed; forwards SIGINT, SIGTERM, SIGHUP and SIGQUIT to it; waits (SIGKILL
// once the plan's stop timeout has passed since the first SIGTERM or SIGINT); removes every TAP. The emulator gets SIGTERM should taplaunch itself die (PR_SET_PDEATHSIG), and
// taplaunch is the subreaper of its descendants: whatever of it is left once its main process
// has exited (UML's helper processes, which hold its TAP fds) is killed before the TAPs go.
// Returns the emulator's exit status, or 128+N when it died of signal N. Throws HostError
// (the TAPs removed) when the emulator cannot be started.
// `signals` must have been blocked since before the TAPs were set up.
int supervise_emulator(const LaunchPlan& plan, const std::vector<std::string>& argv,
                       TapSet& taps, const BlockedSignals& signals, const StepLogger& log);

}  // namespace taplaunch
