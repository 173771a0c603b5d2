#include "handoff/blocked_signals.hpp"

#include <ctime>

namespace taplaunch {

BlockedSignals::BlockedSignals()
{
    sigemptyset(&blocked_);
    for (int signal_number : forwarded_signals) {
        sigaddset(&blocked_, signal_number);
    }
    sigaddset(&blocked_, SIGCHLD);
    sigaddset(&blocked_, SIGPIPE);
    ::sigprocmask(SIG_BLOCK, &blocked_, &previous_);
}

BlockedSignals::~BlockedSignals()
{
    const timespec no_wait{};
    while (::sigtimedwait(&blocked_, nullptr, &no_wait) > 0) {
    }
    ::sigprocmask(SIG_SETMASK, &previous_, nullptr);
}

}  // namespace taplaunch
