#pragma once
// This process's capabilities: what taplaunch holds, and giving them all up before anything
// it starts runs.

#include "plan/caller_privileges.hpp"

namespace taplaunch {

// The caller's real uid, whether CAP_NET_ADMIN is effective, and whether the kernel started
// taplaunch in secure mode (AT_SECURE: it holds privileges its caller lacks, as with a file
// capability).
CallerPrivileges read_caller_privileges();

// Clears every capability of this process: effective, permitted, inheritable and ambient, so
// that what it execs next holds none (unless that program carries file capabilities itself).
// Async-signal-safe, for a child between fork and exec. Returns 0, or the errno of the call
// that failed.
int drop_all_capabilities() noexcept;

// Whether this process holds any capability in its permitted, effective, inheritable or
// ambient set.
bool holds_any_capability();

}  // namespace taplaunch
