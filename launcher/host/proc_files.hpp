#pragma once
// Reading processes and fds from /proc: the one place that parses /proc/PID/stat and lists
// /proc directories.

#include "plan/owner_record.hpp"

#include <sys/types.h>

#include <cstdint>
#include <map>
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
    std::uintptr_t env_start = 0;       // fields 50, 51: where the environment strings the
    std::uintptr_t env_end = 0;         // process was started with lie (0: not shown)
};

// /proc/PID/stat of `pid`, or nullopt when there is no such process.
std::optional<ProcStat> read_proc_stat(pid_t pid);

// The names in `directory` that are decimal numbers (PIDs in /proc, fds in /proc/PID/fd), as
// numbers; empty when the directory cannot be read.
std::vector<int> numeric_entries(const std::string& directory);

// The fds open in this process besides 0, 1 and 2 (and the one used to list them). Call it
// first thing in main: what it finds belongs to the caller.
std::set<int> list_open_fds();

// The inode of this process's PID namespace (/proc/self/ns/pid), when /proc shows that
// namespace, so that a PID read there is one of this namespace; nullopt when /proc belongs to
// another PID namespace (`unshare -pf` without a proc of its own) or cannot say.
std::optional<unsigned long long> own_pid_namespace();

// The identity of the process `pid` as /proc shows it now (with own_pid_namespace() as the
// namespace of its PID), or nullopt if there is none.
std::optional<ProcessIdentity> read_process_identity(pid_t pid);

// Whether the process `identity` names still runs: same PID, same start time, and not a
// zombie (Z) or dead (X), which has exited and only waits for its parent to reap it. A PID of
// another PID namespace than the one /proc shows cannot be looked up: such a process counts
// as running (never judged gone on a PID that means another process here).
bool process_is_running(const ProcessIdentity& identity);

// One line of /proc/self/uid_map: uids inside .. inside+count-1 of this process's user
// namespace are outside .. outside+count-1 of its parent's.
struct UidMapping {
    unsigned long inside = 0;
    unsigned long outside = 0;
    unsigned long count = 0;
};

// This process's uid map; the initial user namespace's is "0 0 4294967295". Empty when /proc
// cannot be read.
std::vector<UidMapping> read_own_uid_map();

// Whether `uid` (of this process's user namespace) is mapped, so that the kernel can record
// it, e.g. as a TAP's owner. True when /proc cannot say.
bool uid_is_mapped(uid_t uid);

// Whether this process runs in a user namespace other than the initial one (unshare -U):
// its root has capabilities over the namespace's own network, not over the host's files.
bool in_child_user_namespace();

// For each TUN/TAP device some process holds open (its /proc/PID/fdinfo has "iff: NAME"), the
// PID of one such process (one in this network namespace first: another namespace may have a
// TAP of the same name), by device name. Reads every process's fds once.
std::map<std::string, int> tap_holders();

// The name of process `pid` (/proc/PID/comm), or "" when there is none.
std::string read_process_name(pid_t pid);

}  // namespace taplaunch
