#include "plan/emulator_argv.hpp"

#include "emulators/qemu_arguments.hpp"
#include "emulators/qemu_bridge_rewrite.hpp"
#include "emulators/uml_arguments.hpp"

namespace taplaunch {

namespace {

// What the rewrite of the user's own bridge forms needs: for each of them, in their order, the
// fds and MAC of the TAP that replaces it.
std::vector<QemuBridgeTap> qemu_bridge_taps(const LaunchPlan& plan)
{
    std::vector<QemuBridgeTap> taps(plan.qemu_network.bridge_nics.size());
    for (const TapPlan& tap : plan.taps) {
        if (tap.bridge_form && *tap.bridge_form < taps.size()) {
            taps[*tap.bridge_form] = {tap.queue_fds, tap.vhost_fds, tap.guest_mac};
        }
    }
    return taps;
}

QemuBridgeRewrite rewrite_bridge_forms(const LaunchPlan& plan)
{
    const std::vector<std::string> args(plan.base_argv.begin() + 1, plan.base_argv.end());
    return rewrite_qemu_bridges(args, plan.qemu_network, qemu_bridge_taps(plan));
}

QemuTapNic qemu_tap_nic(const TapPlan& tap)
{
    return {tap.netdev_id, tap.device_model, tap.guest_mac, tap.mtu, tap.queue_fds, tap.vhost_fds};
}

}  // namespace

std::vector<std::string> emulator_argv(const LaunchPlan& plan,
                                       const std::vector<std::string>& tap_names)
{
    std::vector<std::string> argv = plan.base_argv;
    if (plan.emulator_kind == EmulatorKind::qemu) {
        if (!plan.qemu_network.bridge_nics.empty()) {
            // The user's own bridge forms, rewritten in place; every other word as it was.
            QemuBridgeRewrite rewrite = rewrite_bridge_forms(plan);
            argv.resize(1);
            argv.insert(argv.end(), std::make_move_iterator(rewrite.args.begin()),
                        std::make_move_iterator(rewrite.args.end()));
        }
        for (const TapPlan& tap : plan.taps) {
            if (!tap.bridge_form) {
                append_qemu_nic_arguments(argv, qemu_tap_nic(tap));
            }
        }
        return argv;
    }
    std::vector<std::string> nic_words;
    for (std::size_t i = 0; i < plan.taps.size(); ++i) {
        const TapPlan& tap = plan.taps[i];
        const int fd = tap.queue_fds.empty() ? -1 : tap.queue_fds.front();
        nic_words.push_back(
            uml_nic_argument(plan.uml_transport, {tap.nic_index, tap.guest_mac, tap_names.at(i), fd}));
    }
    insert_uml_nic_arguments(argv, nic_words);
    return argv;
}

std::vector<std::string> qemu_rewrite_notes(const LaunchPlan& plan)
{
    if (plan.emulator_kind != EmulatorKind::qemu || plan.qemu_network.bridge_nics.empty()) {
        return {};
    }
    return rewrite_bridge_forms(plan).notes;
}

}  // namespace taplaunch
