#include "plan/launch_preview.hpp"

#include "plan/qemu_option_source.hpp"

#include "plan/launch_steps.hpp"

namespace taplaunch {

std::vector<EmulatorPreload> emulator_preloads(const LaunchPlan& plan)
{
    std::vector<EmulatorPreload> preloads;
    if (!plan.uml_xstate.adapter_path.empty()) {
        preloads.push_back(
            {"uml_xstate_adapter", plan.uml_xstate.adapter_path, plan.uml_xstate.reason});
    }
    if (!plan.uml_reboot.adapter_path.empty()) {
        preloads.push_back(
            {"uml_reboot_adapter", plan.uml_reboot.adapter_path, plan.uml_reboot.reason});
    }
    return preloads;
}

LaunchPreview preview_launch(const LaunchPlan& plan)
{
    LaunchPreview preview;
    for (const LaunchPhase& phase : launch_phases(plan)) {
        for (const PlannedStep& planned : phase.steps) {
            const TapPlan& tap = plan.taps[planned.tap];
            const bool predicted = planned.step == TapStep::create &&
                                   tap.predicted_ifname != tap.requested_ifname;
            preview.steps.push_back({planned.tap, planned.step,
                                     describe_tap_step(tap, planned.step, tap.predicted_ifname),
                                     predicted ? tap.requested_ifname : std::string()});
        }
    }
    for (const TapPlan& tap : plan.taps) {
        if (tap.predicted_ifname != tap.requested_ifname) {
            preview.predicted_names.push_back(tap.predicted_ifname);
        }
    }
    for (const TapPlan& tap : plan.taps) {
        if (!tap.ovs && !tap.macvtap) {
            continue;
        }
        const std::string what = tap.ovs ? "Open vSwitch port " + tap.predicted_ifname + " on " +
                                               tap.bridge
                                         : "macvtap " + tap.predicted_ifname;
        preview.teardown.push_back(
            "nic " + std::to_string(tap.nic_index) + ": " +
            (plan.handoff == Handoff::exec
                 ? "a keeper (a detached taplaunch process started before exec, waiting on "
                   "the emulator's pidfd) removes " + what + " when the emulator ends"
                 : "the supervisor removes " + what + " when the emulator ends") +
            ", while it carries this launch's owner record; after a SIGKILL, taplaunch gc does");
    }
    preview.notes = plan.notes;
    preview.rewrites = plan.rewrites;
    preview.preloads = emulator_preloads(plan);
    if (const auto line = describe_qemu_option_source(plan.qemu_options)) {
        preview.qemu_options = QemuOptionsPreview{plan.qemu_options.from_binary(),
                                                  plan.qemu_options.qemu_version(),
                                                  plan.qemu_options.source(), *line};
    }
    preview.drop_capabilities = plan.drop_capabilities;
    preview.argv = plan.argv;
    return preview;
}

}  // namespace taplaunch
