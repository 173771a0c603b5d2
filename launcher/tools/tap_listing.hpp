#pragma once
// `taplaunch list [--json]`: every TAP taplaunch made in this network namespace that still
// exists, with its guest, the taplaunch process that made it, the process holding it, its
// bridge, TAP and guest MAC, MTU and state (what libvirt's domiflist tells for its guests).

#include <string>
#include <vector>

namespace taplaunch {

inline constexpr const char* list_json_schema = "taplaunch-list/1";

// Runs the list subcommand (`json`: as taplaunch-list/1). Returns the exit status.
int run_tap_listing(bool json);

}  // namespace taplaunch
