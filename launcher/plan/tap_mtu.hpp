#pragma once
// A TAP's MTU: mtu= or its bridge's, within what the bridge takes, one per bridge.

#include "definition/nic_spec.hpp"
#include "plan/link_facts.hpp"
#include "plan/problem_list.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace taplaunch {

// The MTU of NIC `index`'s TAP: mtu= or the bridge's. Throws DefinitionError for an mtu= the
// bridge does not take; adds a line to `notes` when it differs from the bridge's.
unsigned decide_mtu(const NicSpec& nic, std::size_t index, const LinkFacts& bridge,
                    std::vector<std::string>& notes);

// Reports to `problems` each pair of NICs on one bridge with different mtu=.
void check_bridge_mtus_agree(const std::vector<NicSpec>& nics, ProblemList& problems);

}  // namespace taplaunch
