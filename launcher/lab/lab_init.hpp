#pragma once
// The lab's first process: PID 1 of the lab's PID namespace, root of its network (and, for an
// ordinary user, user) namespace. It mounts the lab's own /proc, /sys and state tmpfs, builds
// the bridge, NAT and DHCP, starts COMMAND, forwards signals to it, reaps every orphan, and
// exits with COMMAND's status; the kernel then kills whatever else runs in the lab (dnsmasq,
// guests, COMMAND's children) and the namespaces go with their last process.

#include "lab/lab_prerequisites.hpp"
#include "lab/lab_settings.hpp"

#include <signal.h>

#include <string>
#include <vector>

namespace taplaunch {

struct LabInitStart {
    LabSettings settings;
    LabPrograms programs;
    std::vector<std::string> command;
    bool user_namespace = false;  // the lab runs in a user namespace of its own
    int go_fd = -1;               // the launcher writes one byte here once the lab may start
    sigset_t command_mask{};      // the signal mask COMMAND starts with (the caller's)
};

// A wait status as an exit status: the code, or 128+N for signal N (as a shell reports it).
int exit_status_of(int wait_status);

// Runs in the new namespaces' first process; never returns.
[[noreturn]] void run_lab_init(const LabInitStart& start);

// The environment variable that tells `taplaunch wait` (and the job) where the lab's DHCP
// leases are.
inline constexpr const char* lab_leases_variable = "TAPLAUNCH_LAB_LEASES";

// The name of the interface pasta makes in the lab (the lab's way out).
inline constexpr const char* lab_outside_interface = "outside";

}  // namespace taplaunch
