#pragma once
// Reading processes and fds from /proc: the one place that parses /proc/PID/stat and lists
// /proc directories.

#include "plan/owner_record.hpp"

#include <sys/types.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace taplaunch {

// The fields of /proc/PID/stat that taplaunch uses.
struct ProcStat {
    char state = '?';                   // field 3: R, S, D, Z (zombie), X (dead), ...
    pid_t parent = 0;                   // field 4
    unsigned long long start_time = 0;  // field 22: clock ticks after boot
};

// /proc/PID/stat of `pid`, or nullopt when there is no such process.
std::optional<ProcStat> read_proc_stat(pid_t pid);

// The names in `directory` that are decimal numbers (PIDs in /proc, fds in /proc/PID/fd), as
// numbers; empty when the directory cannot be read.
std::vector<int> numeric_entries(const std::string& directory);

// The fds open in this process besides 0, 1 and 2 (and the one used to list them). Call it
// first thing in main: what it finds belongs to the caller.
std::set<int> list_open_fds();

// The identity of the process `pid` as /proc shows it now, or nullopt if there is none.
std::optional<ProcessIdentity> read_process_identity(pid_t pid);

// Whether the process `identity` names still runs: same PID, same start time, and not a
// zombie (Z) or dead (X), which has exited and only waits for its parent to reap it.
bool process_is_running(const ProcessIdentity& identity);

// A process that holds a TUN/TAP fd attached to `ifname` (its fdinfo has "iff: <ifname>"), or
// nullopt. Processes in other network namespaces may hold a device of the same name.
std::optional<pid_t> find_tap_holder(const std::string& ifname);

// The name of process `pid` (/proc/PID/comm), or "" when there is none.
std::string read_process_name(pid_t pid);

}  // namespace taplaunch
