#include "supervisor.hpp"

#include "fd_placement.hpp"
#include "launch_error.hpp"

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <system_error>

namespace bp = boost::process;

namespace taplaunch {

namespace {

constexpr int forwarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// Blocks the forwarded signals and SIGCHLD for the supervisor's lifetime, so that it takes
// them one at a time with sigwaitinfo; restores the old mask when it goes away.
class BlockedSignals {
public:
    BlockedSignals()
    {
        sigemptyset(&blocked_);
        for (int signal_number : forwarded_signals) {
            sigaddset(&blocked_, signal_number);
        }
        sigaddset(&blocked_, SIGCHLD);
        ::sigprocmask(SIG_BLOCK, &blocked_, &previous_);
    }
    ~BlockedSignals() { ::sigprocmask(SIG_SETMASK, &previous_, nullptr); }
    BlockedSignals(const BlockedSignals&) = delete;
    BlockedSignals& operator=(const BlockedSignals&) = delete;

    const sigset_t& blocked() const { return blocked_; }
    const sigset_t& previous() const { return previous_; }

private:
    sigset_t blocked_{};
    sigset_t previous_{};
};

// A signal the terminal sent to the whole foreground process group already reached an
// emulator in our group; forwarding it again would deliver it twice.
bool already_delivered(const siginfo_t& info, pid_t child)
{
    return info.si_code == SI_KERNEL && ::getpgid(child) == ::getpgrp();
}

int shell_status(int wait_status)
{
    if (WIFEXITED(wait_status)) {
        return WEXITSTATUS(wait_status);
    }
    if (WIFSIGNALED(wait_status)) {
        return 128 + WTERMSIG(wait_status);
    }
    return exit_host_failure;
}

}  // namespace

int supervise_emulator(const LaunchPlan& plan, const std::vector<std::string>& argv,
                       TapSet& taps, const StepLogger& log)
{
    std::vector<FdPlacement> placements;
    for (const ReadyTap& tap : taps.taps()) {
        if (tap.plan->emulator_fd >= 0 && tap.fd.valid()) {
            placements.push_back({tap.fd.get(), tap.plan->emulator_fd});
        }
    }
    const BlockedSignals signals;
    const pid_t supervisor_pid = ::getpid();
    const std::vector<std::string> args(argv.begin() + 1, argv.end());

    pid_t child_pid = -1;
    try {
        bp::child child(
            bp::exe = plan.emulator_path, bp::args = args,
            bp::extend::on_exec_setup = [&](auto& executor) {
                ::sigprocmask(SIG_SETMASK, &signals.previous(), nullptr);
                ::prctl(PR_SET_PDEATHSIG, SIGTERM);
                if (::getppid() != supervisor_pid) {
                    ::_exit(128 + SIGTERM);  // the supervisor died before the line above
                }
                if (const int error = place_fds(placements); error != 0) {
                    executor.set_error(std::error_code(error, std::system_category()),
                                       "placing the TAP fds");
                }
            });
        child_pid = child.id();
        child.detach();  // reaped below, with the status Boost.Process would not give us
    } catch (const bp::process_error& error) {
        throw HostError("start " + plan.emulator_path + ": " + error.what());
    }
    log("started " + plan.emulator_path + " as pid " + std::to_string(child_pid) +
        "; supervising");

    int wait_status = 0;
    while (true) {
        siginfo_t info{};
        const int signal_number = ::sigwaitinfo(&signals.blocked(), &info);
        if (signal_number < 0) {
            continue;  // EINTR
        }
        if (signal_number == SIGCHLD) {
            if (::waitpid(child_pid, &wait_status, WNOHANG) == child_pid) {
                break;
            }
            continue;
        }
        if (!already_delivered(info, child_pid)) {
            log("forwarding signal " + std::to_string(signal_number) + " to pid " +
                std::to_string(child_pid));
            ::kill(child_pid, signal_number);
        }
    }
    const int status = shell_status(wait_status);
    log(plan.emulator_path + " exited with status " + std::to_string(status));
    for (const std::string& problem : taps.remove_all()) {
        std::cerr << "taplaunch: " << problem << '\n';
    }
    return status;
}

}  // namespace taplaunch
