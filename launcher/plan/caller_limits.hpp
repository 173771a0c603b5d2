#pragma once
// What an ordinary user may do with taplaunch's capability, checked over the plan's TAPs:
// every TAP the plan will attach (to --nic bridges and to bridges of QEMU's own forms alike)
// goes through the same check.

#include "plan/host_facts.hpp"
#include "plan/launch_plan.hpp"
#include "plan/problem_list.hpp"

namespace taplaunch {

// Checks the caller may make the plan's TAPs: taplaunch must hold CAP_NET_ADMIN (or the
// caller be root); where the bridge ACL applies (caller_privileges.hpp), every TAP's bridge
// must be allowed by it, and no TAP may lower its bridge's MTU (that would change the bridge
// for everyone on it). Each problem goes to `problems` as a DefinitionError. Sets
// plan.drop_capabilities when taplaunch holds privileges its caller lacks.
void check_caller_limits(LaunchPlan& plan, const HostFacts& host, ProblemList& problems);

}  // namespace taplaunch
