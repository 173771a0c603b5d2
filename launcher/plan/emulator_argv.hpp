#pragma once
// The emulator's full command line from the plan: the user's words with each TAP in the
// emulator's form (the forms themselves are emulators/'s).

#include "plan/launch_plan.hpp"

#include <string>
#include <vector>

namespace taplaunch {

// base_argv, then each TAP in the emulator's form (for UML, before a "--" that starts the
// guest init's arguments, if there is one). `tap_names` holds each TAP's name: its real name
// once created, else the requested or predicted one.
std::vector<std::string> emulator_argv(const LaunchPlan& plan,
                                       const std::vector<std::string>& tap_names);

// What taking over the user's own QEMU bridge forms changes in their arguments, a line each,
// for -v and --dry-run; empty when there are none.
std::vector<std::string> qemu_rewrite_notes(const LaunchPlan& plan);

}  // namespace taplaunch
