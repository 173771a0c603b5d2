#pragma once
// The keeper: what removes a launch's leftovers after an exec hand-off, the things that outlive
// the emulator's fds: Open vSwitch port rows (a TAP vanishes with the emulator's last fd, its
// row stays until someone deletes it) and macvtap links (which stay until deleted). exec
// leaves no taplaunch behind to remove them, so before exec taplaunch starts a small detached
// process of its own (a fork, in a new session, reparented away from the emulator so that the
// emulator has no child it did not start) that holds nothing but a pidfd of taplaunch's
// process (the emulator after exec: same PID) and stderr, waits on it, and removes each
// leftover that still carries this launch's owner record. The emulator keeps taplaunch's PID
// and its exit status reaches the caller unchanged. A keeper that is killed leaves its
// leftovers to `taplaunch gc`.

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

struct KeptMacvtap {
    int ifindex = 0;
    std::string ifname;
    std::string owner_record;
};

// What one launch leaves for the keeper.
struct Leftovers {
    std::vector<KeptOvsPort> ovs_ports;
    std::vector<KeptMacvtap> macvtaps;

    bool empty() const { return ovs_ports.empty() && macvtaps.empty(); }
};

// Starts the keeper for `leftovers` and returns its PID once it runs. Throws HostError when
// it cannot be started (no pidfd_open before Linux 5.3, no process left).
pid_t start_leftover_keeper(const Leftovers& leftovers);

// Starts the keeper for what the exec hand-off's TAPs leave behind (OVS port rows, macvtaps;
// none: nothing), logging what it will do. When it cannot start, the TAPs are closed and
// their leftovers removed before the HostError goes on.
void keep_leftovers_after_exec(std::vector<ReadyTap>& taps, const StepLogger& log);

}  // namespace taplaunch
