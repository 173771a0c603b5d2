#include "emulators/emulator_argv.hpp"

#include "emulators/qemu_arguments.hpp"
#include "emulators/uml_arguments.hpp"

#include <algorithm>

namespace taplaunch {

std::vector<std::string> emulator_argv(const LaunchPlan& plan,
                                       const std::vector<std::string>& tap_names)
{
    std::vector<std::string> argv = plan.base_argv;
    if (plan.emulator_kind == EmulatorKind::qemu) {
        if (!plan.qemu_network.bridge_nics.empty()) {
            // The user's own bridge forms, rewritten in place; every other word as it was.
            const std::vector<std::string> args(argv.begin() + 1, argv.end());
            QemuBridgeRewrite rewrite =
                rewrite_qemu_bridges(args, plan.qemu_network, qemu_bridge_taps(plan));
            argv.resize(1);
            argv.insert(argv.end(), std::make_move_iterator(rewrite.args.begin()),
                        std::make_move_iterator(rewrite.args.end()));
        }
        for (const TapPlan& tap : plan.taps) {
            if (!tap.bridge_form) {
                append_qemu_nic_arguments(argv, tap);
            }
        }
        return argv;
    }
    // UML passes the words after "--" to the guest's init: its own options go before them.
    // The emulator may be a wrapper (sudo -u alice -- linux ...): look for UML's "--" only
    // after the word that names UML.
    std::vector<std::string> nic_words;
    for (std::size_t i = 0; i < plan.taps.size(); ++i) {
        nic_words.push_back(uml_nic_argument(plan.uml_transport, plan.taps[i], tap_names.at(i)));
    }
    const auto uml_word = std::find_if(argv.begin(), argv.end(), [](const std::string& word) {
        return detect_emulator_kind(word) == EmulatorKind::uml;
    });
    const auto init_args =
        std::find(uml_word == argv.end() ? argv.begin() + 1 : uml_word + 1, argv.end(), "--");
    argv.insert(init_args, nic_words.begin(), nic_words.end());
    return argv;
}

}  // namespace taplaunch
