#pragma once
// --dry-run: the plan as text, one host change a line, then the command, shell-quoted.

#include "plan/launch_plan.hpp"

#include <string>

namespace taplaunch {

// Every TAP's steps, phase by phase as a launch takes them (launch_steps.hpp), under its predicted name (predict_tap_names), the notes, and the command.
std::string format_dry_run(const LaunchPlan& plan);

}  // namespace taplaunch
