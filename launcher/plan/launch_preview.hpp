#pragma once
// What a launch will do, in the order it does it: the one description that --dry-run prints
// as text and --dry-run --json as JSON, so the two previews cannot say different things.

#include "plan/launch_plan.hpp"
#include "plan/tap_steps.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace taplaunch {

// One host change for one TAP, as a launch takes it.
struct PreviewStep {
    std::size_t tap = 0;  // index into LaunchPlan::taps
    TapStep step = TapStep::create;
    std::string text;     // "nic 0: create TAP tap0 (IFF_TAP|IFF_NO_PI)", under the predicted name
    std::string predicted_from;  // the create step of a TAP whose name is a prediction: the
                                 // template it was predicted from; empty otherwise
};

// A library the emulator starts with preloaded (LD_PRELOAD), and why.
struct EmulatorPreload {
    std::string adapter;  // which one: "uml_xstate_adapter" or "uml_reboot_adapter"
    std::string path;
    std::string reason;   // one line
};

// Where the QEMU options that the command line was read against came from, when the checked
// table alone was not enough (plan/qemu_option_source.hpp).
struct QemuOptionsPreview {
    bool from_binary = false;  // the installed QEMU's -help, else the table (and why)
    std::string qemu_version;
    std::string description;   // "/usr/bin/qemu-system-x86_64 -help (QEMU 10.0.13)"
    std::string line;          // the text preview's line: "QEMU options: " + description
};

struct LaunchPreview {
    std::vector<PreviewStep> steps;            // phase by phase (launch_phases)
    std::vector<std::string> predicted_names;  // TAP names the kernel's numbering may change
    std::vector<std::string> notes;
    std::vector<std::string> teardown;         // what removes what the TAPs leave behind (an
                                               // Open vSwitch port row, a macvtap) when the
                                               // emulator ends
    std::vector<std::string> rewrites;         // what changed in the user's QEMU arguments
    std::vector<EmulatorPreload> preloads;     // in LD_PRELOAD's order
    std::optional<QemuOptionsPreview> qemu_options;
    bool drop_capabilities = false;            // the emulator starts with no capability
    std::vector<std::string> argv;             // the command
};

// The libraries the plan preloads into the emulator, in LD_PRELOAD's order (the XSTATE
// adapter, then the reboot adapter): what the run puts in the emulator's environment.
std::vector<EmulatorPreload> emulator_preloads(const LaunchPlan& plan);

// Everything the launch of `plan` will do (after predict_tap_names, for the names).
LaunchPreview preview_launch(const LaunchPlan& plan);

}  // namespace taplaunch
