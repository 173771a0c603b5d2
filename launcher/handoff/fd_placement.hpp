#pragma once
// Putting inherited fds at the numbers the emulator's arguments name.

#include <string>
#include <vector>

namespace taplaunch {

struct FdPlacement {
    int source = -1;  // an fd of ours (close-on-exec)
    int target = -1;  // the number the emulator finds it at (inheritable)
};

// Duplicates each source to its target, first parking copies above every target so that
// placing one never closes another's source. Only async-signal-safe calls: usable between
// fork and exec. Takes at most max_emulator_fds placements (EMFILE beyond). Returns 0, or the
// errno of the call that failed.
int place_fds(const std::vector<FdPlacement>& placements);

// What to add to the report of a placement that failed with `error`: the fix, where one is
// known (EMFILE: placing takes spare fds), else nothing.
std::string fd_placement_hint(int error);

}  // namespace taplaunch
