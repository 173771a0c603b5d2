#pragma once
// TAP names: exact names and %d templates, which the kernel completes with the lowest number
// no device of that form has.

#include "plan/host_facts.hpp"

#include <string>
#include <string_view>

namespace taplaunch {

struct LaunchPlan;

// Whether `name` is a template (holds %d).
bool is_ifname_template(std::string_view name);

// `ifname_template` with its %d replaced by `number`.
std::string ifname_from_template(std::string_view ifname_template, unsigned number);

// Whether the kernel could give a TAP requested as `ifname_template` (one %d) the name
// `exact`: the same text around the %d, and digits in its place.
bool template_could_produce(std::string_view ifname_template, std::string_view exact);

// Sets each TAP's predicted_ifname: an exact name as it is; a template with the lowest number
// that no device in this namespace, and no earlier TAP of the plan, has (the kernel's rule),
// and the command line with those names. For --dry-run: the kernel decides when it creates
// the TAP, and another launch may take the name first.
void predict_tap_names(LaunchPlan& plan, const HostFacts& host);

}  // namespace taplaunch
