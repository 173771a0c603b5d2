#pragma once
// MACs that would clash: within one launch, and with what a bridge already holds.

#include "plan/host_facts.hpp"
#include "plan/link_facts.hpp"
#include "plan/problem_list.hpp"
#include "plan/tap_plan.hpp"

#include <vector>

namespace taplaunch {

// Throws DefinitionError when a port of `bridge` already carries the TAP MAC or the guest MAC
// that `tap` would bring, naming the port (and the guest of a taplaunch TAP).
void check_mac_free_on_bridge(const TapPlan& tap, const LinkFacts& bridge, const HostFacts& host);

// Reports to `problems` each pair of NICs with one guest MAC.
void check_macs_distinct(const std::vector<TapPlan>& taps, ProblemList& problems);

}  // namespace taplaunch
