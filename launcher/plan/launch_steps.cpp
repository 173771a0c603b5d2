#include "plan/launch_steps.hpp"

namespace taplaunch {

namespace {

struct PhaseOf {
    PhaseKind kind;
    std::size_t index;
};

// Each step's phase. A TAP's MAC and MTU share one: they go to the kernel in one request,
// which applies the address before the MTU.
PhaseOf phase_of(TapStep step)
{
    switch (step) {
    case TapStep::create:
    case TapStep::open_vhost:
        return {PhaseKind::local, 0};
    case TapStep::record_owner:
        return {PhaseKind::link_changes, 1};
    case TapStep::make_persistent:
        return {PhaseKind::local, 2};
    case TapStep::set_mac:
    case TapStep::set_mtu:
        return {PhaseKind::link_changes, 3};
    case TapStep::add_lock_qdisc:
        return {PhaseKind::link_changes, 4};
    case TapStep::add_lock_filter:
        return {PhaseKind::link_changes, 5};
    case TapStep::attach:
        return {PhaseKind::link_changes, 6};
    case TapStep::add_ovs_port:
        return {PhaseKind::local, 7};
    case TapStep::set_port_flags:
        return {PhaseKind::link_changes, 8};
    case TapStep::pin_mac:
        return {PhaseKind::link_changes, 9};
    case TapStep::up:
        return {PhaseKind::link_changes, 10};
    }
    return {PhaseKind::local, 0};
}

constexpr std::size_t phase_count = 11;

}  // namespace

std::vector<LaunchPhase> launch_phases(const LaunchPlan& plan)
{
    std::vector<LaunchPhase> phases(phase_count);
    for (std::size_t tap = 0; tap < plan.taps.size(); ++tap) {
        for (const TapStep step : tap_steps_for(plan.taps[tap])) {
            const PhaseOf phase = phase_of(step);
            phases[phase.index].kind = phase.kind;
            phases[phase.index].steps.push_back({tap, step});
        }
    }
    std::erase_if(phases, [](const LaunchPhase& phase) { return phase.steps.empty(); });
    return phases;
}

}  // namespace taplaunch
