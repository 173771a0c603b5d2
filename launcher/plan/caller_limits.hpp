#pragma once
// What an ordinary user may do with taplaunch's capability, checked over the plan's TAPs:
// every TAP the plan will attach (to --nic bridges and to bridges of QEMU's own forms alike)
// goes through the same check.

#include "plan/host_facts.hpp"
#include "plan/launch_plan.hpp"
#include "plan/problem_list.hpp"

namespace taplaunch {

// Checks that TAPs can be made at all, before planning reads /dev/net/tun: the caller is root
// or taplaunch holds CAP_NET_ADMIN. Throws DefinitionError, one line saying how to install
// taplaunch with the capability.
void check_caller_can_create_taps(const HostFacts& host);

// Checks the caller may make the plan's TAPs: where the bridge ACL applies
// (caller_privileges.hpp), every TAP's bridge must be allowed by it, and no TAP may lower its
// bridge's MTU (that would change the bridge for everyone on it). Each problem goes to
// `problems` as a DefinitionError. Sets plan.drop_capabilities when taplaunch holds
// privileges its caller lacks.
void check_caller_limits(LaunchPlan& plan, const HostFacts& host, ProblemList& problems);

}  // namespace taplaunch
