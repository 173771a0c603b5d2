#pragma once
// MACs that would clash: within one launch, and with what a bridge already holds.

#include "plan/host_facts.hpp"
#include "plan/link_facts.hpp"
#include "plan/problem_list.hpp"
#include "plan/tap_plan.hpp"

#include <vector>

namespace taplaunch {

// Throws DefinitionError when a port of `bridge` already carries the TAP MAC or the guest MAC
// that `tap` would bring, or when the owner record of a port (a guest taplaunch started there)
// holds either as that guest's MAC; the message names the port (and the guest).
void check_mac_free_on_bridge(const TapPlan& tap, const LinkFacts& bridge, const HostFacts& host);

// Reports to `problems` each pair of NICs of one launch whose MACs clash: one guest MAC, one
// TAP MAC (guest MACs that differ only in the first byte), or one NIC's TAP MAC that is the
// other's guest MAC (fe:... and fa:...). Every MAC of a launch is distinct, on any bridge.
void check_macs_distinct(const std::vector<TapPlan>& taps, ProblemList& problems);

}  // namespace taplaunch
