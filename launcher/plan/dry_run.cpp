#include "plan/dry_run.hpp"

#include "plan/launch_preview.hpp"
#include "plan/shell_quote.hpp"

namespace taplaunch {

std::string format_dry_run(const LaunchPlan& plan)
{
    const LaunchPreview preview = preview_launch(plan);
    std::string text;
    for (const PreviewStep& step : preview.steps) {
        text += step.text;
        if (!step.predicted_from.empty()) {
            text += ", the name predicted for " + step.predicted_from;
        }
        text += '\n';
    }
    if (!preview.predicted_names.empty()) {
        std::string predicted;
        for (const std::string& name : preview.predicted_names) {
            predicted += (predicted.empty() ? "" : ", ") + name;
        }
        text += "note: " + predicted +
                (preview.predicted_names.size() == 1 ? " is a prediction" : " are predictions") +
                ": the kernel numbers a %d template when it creates the TAP, and another launch "
                "may take the name first\n";
    }
    for (const std::string& line : preview.teardown) {
        text += "on exit: " + line + '\n';
    }
    for (const std::string& note : preview.notes) {
        text += "note: " + note + '\n';
    }
    for (const std::string& rewrite : preview.rewrites) {
        text += "rewrite: " + rewrite + '\n';
    }
    for (const EmulatorPreload& preload : preview.preloads) {
        text += preload.reason + '\n';
    }
    if (preview.qemu_options) {
        text += preview.qemu_options->line + '\n';
    }
    if (preview.drop_capabilities) {
        text += "give up every capability before the emulator starts (taplaunch holds one its "
                "caller lacks)\n";
    }
    text += shell_join(preview.argv) + '\n';
    return text;
}

}  // namespace taplaunch
