#pragma once
// The order a launch takes its TAPs' steps in: phase by phase, each phase the same kind of
// step for every TAP (all creates, then all owner records, ..., then all ups). Each TAP's own
// steps keep the order tap_steps_for() gives them; the phases let taplaunch send one kind of
// link change for every TAP in one netlink batch (host/netlink_batch.hpp), so that a launch
// makes a handful of round trips however many NICs it has. --dry-run prints this order too.

#include "plan/launch_plan.hpp"
#include "plan/tap_steps.hpp"

#include <cstddef>
#include <vector>

namespace taplaunch {

struct PlannedStep {
    std::size_t tap = 0;  // index into LaunchPlan::taps
    TapStep step = TapStep::create;
};

// What one phase does: steps carried out one by one on the host (creating a TAP, an ioctl),
// or link changes sent together.
enum class PhaseKind { local, link_changes };

struct LaunchPhase {
    PhaseKind kind = PhaseKind::local;
    std::vector<PlannedStep> steps;  // by TAP, each TAP's steps in its own order
};

// The phases of a launch, in order; phases no TAP has a step in are left out.
std::vector<LaunchPhase> launch_phases(const LaunchPlan& plan);

}  // namespace taplaunch
