#pragma once
// BlockedSignals: while it lives, the signals a supervisor forwards (SIGINT, SIGTERM, SIGHUP,
// SIGQUIT) and SIGCHLD are blocked, to be taken one at a time with sigwaitinfo: no handlers,
// no races. Created before the TAPs are set up, so that a signal arriving meanwhile waits and
// is then forwarded to the emulator instead of killing taplaunch half way. SIGPIPE is blocked
// too: a supervisor whose stderr nobody reads any more gets EPIPE from its log lines instead
// of dying with its persistent TAPs still there. The emulator starts with the mask before.

#include <signal.h>

namespace taplaunch {

class BlockedSignals {
public:
    BlockedSignals();
    // Drops what is still pending (meant for an emulator that is gone), restores the mask.
    ~BlockedSignals();
    BlockedSignals(const BlockedSignals&) = delete;
    BlockedSignals& operator=(const BlockedSignals&) = delete;

    // The blocked set, for sigwaitinfo.
    const sigset_t& blocked() const { return blocked_; }
    // The mask before, for the emulator to start with.
    const sigset_t& previous() const { return previous_; }

private:
    sigset_t blocked_{};
    sigset_t previous_{};
};

// The signals a supervisor forwards to the emulator.
inline constexpr int forwarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

}  // namespace taplaunch
