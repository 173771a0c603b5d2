#pragma once
// The environment the caller started taplaunch with, for the emulator.
//
// When taplaunch holds a capability its caller lacks, the kernel starts it in secure mode and
// the loader removes variables that could steer a privileged process (LD_PRELOAD,
// LD_LIBRARY_PATH, TMPDIR, GCONV_PATH, ...); taplaunch itself hides libnl's (NLDBG, NLCB,
// NLSYSCONFDIR) before libnl reads them (main.cpp). The emulator runs with no capability, as
// the caller, so it gets the caller's environment back as it was given.

#include <string>
#include <vector>

namespace taplaunch {

// Saves the caller's environment as the kernel received it, in secure mode only; otherwise
// `environ` is already the caller's. Call it first thing in main.
void save_caller_environment();

// The caller's environment as NAME=VALUE entries, NULL-terminated as environ is.
const char* const* caller_environment();

}  // namespace taplaunch
