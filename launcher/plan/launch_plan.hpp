#pragma once
// LaunchPlan: exactly what a launch will do to the host and what it will run, computed from
// the definition and host facts before anything changes.

#include "definition/guest_definition.hpp"
#include "emulators/qemu_network_scan.hpp"
#include "plan/host_facts.hpp"
#include "plan/tap_plan.hpp"
#include "plan/uml_reboot.hpp"
#include "plan/uml_xstate.hpp"

#include <string>
#include <vector>

namespace taplaunch {

// How taplaunch hands over: exec (the emulator takes taplaunch's PID, the TAPs go with it)
// or supervise (taplaunch stays the parent and removes the TAPs after the emulator exits).
enum class Handoff { exec, supervise };

struct LaunchPlan {
    std::string guest_name;
    EmulatorKind emulator_kind = EmulatorKind::qemu;
    UmlTransport uml_transport = UmlTransport::tap;
    Handoff handoff = Handoff::exec;
    unsigned stop_timeout_seconds = default_stop_timeout_seconds;  // supervise: from a
                                   // forwarded SIGTERM or SIGINT to SIGKILL
    std::string emulator_path;     // what exec runs
    UmlXstatePlan uml_xstate;      // UML only: whether the XSTATE adapter is preloaded
    UmlRebootPlan uml_reboot;      // UML only: whether the reboot adapter is preloaded
    QemuOptionSet qemu_options;    // QEMU only: the options its arguments were read against
    QemuNetworkScan qemu_network;  // QEMU only: the user's own bridge forms, taken over
    std::vector<TapPlan> taps;
    std::vector<std::string> base_argv;  // argv[0] as the user wrote it, then their arguments
    std::vector<std::string> argv;  // the full command with TAP names as requested (or as
                                    // predicted, once predict_tap_names has run)
    std::vector<std::string> notes;     // what the user should know (an MTU that differs from
                                        // the bridge's): shown unless --quiet
    std::vector<std::string> rewrites;  // what changed in the user's QEMU arguments: -v and
                                        // --dry-run show it
    bool drop_capabilities = false;     // taplaunch holds privileges its caller lacks (a file
                                        // capability): the emulator starts with no capability
};

// Plans a launch. Throws DefinitionError when the definition does not fit the host (missing
// bridge, taken TAP name, vnet_hdr=on without kernel support) and HostError when the
// emulator cannot be found. A real run stops at the first problem; with `list_every_problem`
// (--dry-run) planning goes on and throws DefinitionProblems with every one found.
LaunchPlan make_launch_plan(const GuestDefinition& guest, const HostFacts& host,
                            bool list_every_problem = false);

}  // namespace taplaunch
