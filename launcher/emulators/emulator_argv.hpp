#pragma once
// The emulator's full command line: the user's words with each TAP in the emulator's form.

#include "plan/launch_plan.hpp"

#include <string>
#include <vector>

namespace taplaunch {

// base_argv, then each TAP in the emulator's form (for UML, before a "--" that starts the
// guest init's arguments, if there is one). `tap_names` holds each TAP's name: its real name
// once created, else the requested or predicted one.
std::vector<std::string> emulator_argv(const LaunchPlan& plan,
                                       const std::vector<std::string>& tap_names);

}  // namespace taplaunch
