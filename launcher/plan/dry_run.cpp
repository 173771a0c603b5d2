#include "plan/dry_run.hpp"

#include "plan/launch_steps.hpp"
#include "plan/qemu_option_source.hpp"
#include "plan/shell_quote.hpp"
#include "plan/tap_steps.hpp"

namespace taplaunch {

std::string format_dry_run(const LaunchPlan& plan)
{
    std::string text;
    for (const LaunchPhase& phase : launch_phases(plan)) {
        for (const PlannedStep& planned : phase.steps) {
            const TapPlan& tap = plan.taps[planned.tap];
            text += describe_tap_step(tap, planned.step, tap.predicted_ifname);
            if (planned.step == TapStep::create && tap.predicted_ifname != tap.requested_ifname) {
                text += ", the name predicted for " + tap.requested_ifname;
            }
            text += '\n';
        }
    }
    std::string predicted;
    for (const TapPlan& tap : plan.taps) {
        if (tap.predicted_ifname != tap.requested_ifname) {
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
    if (const auto source = describe_qemu_option_source(plan.qemu_options)) {
        text += *source + '\n';
    }
    if (plan.drop_capabilities) {
        text += "give up every capability before the emulator starts (taplaunch holds one its "
                "caller lacks)\n";
    }
    text += shell_join(plan.argv) + '\n';
    return text;
}

}  // namespace taplaunch
