#pragma once
// Putting inherited fds at the numbers the emulator's arguments name.

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

}  // namespace taplaunch
