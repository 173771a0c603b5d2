#include "plan/dry_run.hpp"

#include "plan/shell_quote.hpp"
#include "plan/tap_steps.hpp"

namespace taplaunch {

std::string format_dry_run(const LaunchPlan& plan)
{
    std::string text;
    std::string predicted;
    for (const TapPlan& tap : plan.taps) {
        const bool is_prediction = tap.predicted_ifname != tap.requested_ifname;
        for (TapStep step : tap_steps_for(tap)) {
            text += describe_tap_step(tap, step, tap.predicted_ifname);
            if (step == TapStep::create && is_prediction) {
                text += ", the name predicted for " + tap.requested_ifname;
            }
            text += '\n';
        }
        if (is_prediction) {
            predicted += (predicted.empty() ? "" : ", ") + tap.predicted_ifname;
        }
    }
    if (!predicted.empty()) {
        text += "note: " + predicted +
                (predicted.find(',') == std::string::npos ? " is a prediction" : " are predictions") +
                ": the kernel numbers a %d template when it creates the TAP, and another launch "
                "may take the name first\n";
    }
    for (const std::string& note : plan.notes) {
        text += "note: " + note + '\n';
    }
    for (const std::string& rewrite : plan.rewrites) {
        text += "rewrite: " + rewrite + '\n';
    }
    if (!plan.uml_xstate.adapter_path.empty()) {
        text += plan.uml_xstate.reason + '\n';
    }
    text += shell_join(plan.argv) + '\n';
    return text;
}

}  // namespace taplaunch
