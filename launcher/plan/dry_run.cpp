#include "plan/dry_run.hpp"

#include "plan/shell_quote.hpp"
#include "plan/tap_steps.hpp"

namespace taplaunch {

std::string format_dry_run(const LaunchPlan& plan)
{
    std::string text;
    for (const TapPlan& tap : plan.taps) {
        for (TapStep step : tap_steps_for(tap)) {
            text += describe_tap_step(tap, step, tap.requested_ifname) + '\n';
        }
    }
    if (!plan.uml_xstate.adapter_path.empty()) {
        text += plan.uml_xstate.reason + '\n';
    }
    text += shell_join(plan.argv) + '\n';
    return text;
}

}  // namespace taplaunch
