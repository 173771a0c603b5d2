#pragma once
// The environment the emulator starts with: taplaunch's own, with the libraries the plan
// preloads (the UML XSTATE and reboot adapters) put in front of LD_PRELOAD.

#include "plan/launch_plan.hpp"

#include <optional>
#include <string>
#include <vector>

namespace taplaunch {

// The LD_PRELOAD the emulator needs, given the caller's (unset: nullopt), or nullopt when the
// plan preloads nothing.
std::optional<std::string> emulator_ld_preload(const LaunchPlan& plan,
                                               const char* callers_ld_preload);

// `environment` (NAME=VALUE entries, as in environ) with LD_PRELOAD set as the plan needs.
std::vector<std::string> emulator_environment(const LaunchPlan& plan,
                                              const char* const* environment);

}  // namespace taplaunch
