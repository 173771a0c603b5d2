#pragma once
// The port keeper: what removes a launch's Open vSwitch port rows after an exec hand-off.
// A TAP vanishes with the emulator's last fd, but its OVS row stays until someone deletes it,
// and exec leaves no taplaunch behind to do so. So before exec taplaunch starts a small
// detached process of its own (a fork, in a new session, reparented away from the emulator so
// that the emulator has no child it did not start) that holds nothing but a pidfd of
// taplaunch's process (the emulator after exec: same PID) and stderr, waits on it, and removes
// each row that still carries this launch's owner record. The emulator keeps taplaunch's PID
// and its exit status reaches the caller unchanged. A keeper that is killed leaves its rows to
// `taplaunch gc`.

#include "host/tap_set.hpp"

#include <sys/types.h>

#include <string>
#include <vector>

namespace taplaunch {

struct KeptOvsPort {
    std::string bridge;
    std::string ifname;
    std::string owner_record;
};

// Starts the keeper for `ports` and returns its PID once it runs. Throws HostError when it
// cannot be started (no pidfd_open before Linux 5.3, no process left).
pid_t start_ovs_port_keeper(const std::vector<KeptOvsPort>& ports);

// Starts the keeper for those of the exec hand-off's TAPs that are OVS ports (none: nothing),
// logging what it will do. When it cannot start, the TAPs are closed and their rows removed
// before the HostError goes on.
void keep_ovs_ports_after_exec(std::vector<ReadyTap>& taps, const StepLogger& log);

}  // namespace taplaunch
