#pragma once
// `taplaunch gc`: removes the persistent TAPs whose supervisor no longer runs (one that was
// SIGKILLed never got to remove them).

#include <string>
#include <vector>

namespace taplaunch {

// Runs the gc subcommand (`dry_run`: say what would go, remove nothing). Touches only TAPs
// whose alias is a taplaunch owner record naming a process that is gone, and keeps any TAP
// some process still holds open. Returns the exit status.
int run_garbage_collector(bool dry_run);

}  // namespace taplaunch
