#pragma once
// Reading processes and fds from /proc.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace taplaunch {

// The fields of /proc/PID/stat that taplaunch uses.
struct ProcStat {
    pid_t parent = 0;                   // field 4
    unsigned long long start_time = 0;  // field 22: clock ticks after boot
};

// /proc/PID/stat of `pid`, or nullopt when there is no such process.
std::optional<ProcStat> read_proc_stat(pid_t pid);

// The names in `directory` that are decimal numbers (PIDs in /proc, fds in /proc/PID/fd).
std::vector<std::string> numeric_entries(const std::string& directory);

}  // namespace taplaunch
