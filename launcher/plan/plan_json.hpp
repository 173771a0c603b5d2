#pragma once
// The plan as JSON, for scripts: `taplaunch --dry-run --json`. The schema is
// docs/plan-schema.json; its version is the "schema" member, raised on any change that is
// not an addition.

#include "plan/launch_plan.hpp"

#include <string>

namespace taplaunch {

inline constexpr const char* plan_json_schema = "taplaunch-plan/1";

// The plan (after predict_tap_names, for the names) as one JSON document, two-space indented.
std::string format_plan_json(const LaunchPlan& plan);

}  // namespace taplaunch
