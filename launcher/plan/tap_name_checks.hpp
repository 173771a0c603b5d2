#pragma once
// The TAP names a launch asks for: free on the host, and distinct within the launch.

#include "definition/nic_spec.hpp"
#include "plan/host_facts.hpp"
#include "plan/problem_list.hpp"

#include <cstddef>
#include <vector>

namespace taplaunch {

// Throws DefinitionError when NIC `index` asks for an exact name that a device already has:
// taplaunch never reuses a device. The hint fits what holds the name (a TAP taplaunch made,
// another TAP, any other device).
void check_ifname_free(const NicSpec& nic, std::size_t index, const HostFacts& host);

// Reports to `problems` each pair of NICs that could be given the same TAP: one exact name
// twice, or an exact name another NIC's template could produce.
void check_ifnames_distinct(const std::vector<NicSpec>& nics, ProblemList& problems);

}  // namespace taplaunch
