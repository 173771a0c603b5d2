#include "handoff/supervisor.hpp"

#include "handoff/caller_environment.hpp"
#include "handoff/fd_placement.hpp"
#include "host/capabilities.hpp"
#include "handoff/tap_fd_placements.hpp"
#include "handoff/boost_process.hpp"
#include "handoff/emulator_environment.hpp"
#include "host/proc_files.hpp"
#include "launch_error.hpp"


#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <set>
#include <system_error>

namespace taplaunch {

namespace {

using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC

timespec timespec_of(Clock::duration duration)
{
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration);
    const auto nanoseconds = std::chrono::duration_cast<std::chrono::nanoseconds>(duration - seconds);
    timespec result{};
    result.tv_sec = static_cast<time_t>(seconds.count());
    result.tv_nsec = static_cast<long>(nanoseconds.count());
    return result;
}

// A signal the terminal sent to the whole foreground process group already reached an
// emulator in our group; forwarding it again would deliver it twice.
bool already_delivered(const siginfo_t& info, pid_t child)
{
    return info.si_code == SI_KERNEL && ::getpgid(child) == ::getpgrp();
}

// The processes whose parent is this one: before the emulator starts, what the caller started
// before it exec'd taplaunch (a shell's process substitution reading our output); once it has
// exited, also the emulator's own children that were orphaned onto us (their subreaper).
std::set<pid_t> list_children()
{
    std::set<pid_t> children;
    const pid_t own_pid = ::getpid();
    for (const pid_t pid : numeric_entries("/proc")) {
        if (const auto stat = read_proc_stat(pid); stat && stat->parent == own_pid) {
            children.insert(pid);
        }
    }
    return children;
}

// UML runs helper processes that share its fd table; when its main process dies of SIGKILL
// or SIGQUIT they live on, holding the TAPs. As their subreaper, take them down too; the
// caller's own children (`callers_children`, there before the emulator) are not ours to end.
void end_orphaned_helpers(const std::set<pid_t>& callers_children, const StepLogger& log)
{
    for (int round = 0; round < 50; ++round) {
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {
        }
        std::set<pid_t> leftovers = list_children();
        std::erase_if(leftovers, [&](pid_t pid) { return callers_children.contains(pid); });
        if (leftovers.empty()) {
            return;
        }
        for (pid_t child : leftovers) {
            log("ending leftover emulator process " + std::to_string(child));
            ::kill(child, SIGKILL);
        }
        ::usleep(20000);
    }
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
                       TapSet& taps, const BlockedSignals& signals, const StepLogger& log)
{
    const std::vector<FdPlacement> placements = tap_fd_placements(taps.taps());
    const pid_t supervisor_pid = ::getpid();
    // Orphans of the emulator become our children, so that none outlives the launch.
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        const int error = errno;
        throw HostError("become the emulator's subreaper (PR_SET_CHILD_SUBREAPER): " +
                        errno_text(error));
    }
    const std::vector<std::string> args(argv.begin() + 1, argv.end());
    const std::set<pid_t> callers_children = list_children();

    bp::environment environment;
    for (const std::string& entry : emulator_environment(plan, caller_environment())) {
        const std::size_t equals = entry.find('=');
        if (equals != std::string::npos && equals > 0) {
            // set(), not operator[]: Boost 1.74's find() behind operator[] compares past the
            // end of a shorter entry (AddressSanitizer: heap-buffer-overflow).
            environment.set(entry.substr(0, equals), entry.substr(equals + 1));
        }
    }
    pid_t child_pid = -1;
    try {
        bp::child child(
            bp::exe = plan.emulator_path, bp::args = args, bp::env = environment,
            bp::extend::on_exec_setup = [&](auto& executor) {
                ::sigprocmask(SIG_SETMASK, &signals.previous(), nullptr);
                if (::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) {
                    executor.set_error(std::error_code(errno, std::system_category()),
                                       "PR_SET_PDEATHSIG");
                    return;
                }
                if (::getppid() != supervisor_pid) {
                    ::_exit(128 + SIGTERM);  // the supervisor died before the line above
                }
                if (const int error = place_fds(placements); error != 0) {
                    executor.set_error(std::error_code(error, std::system_category()),
                                       "placing the TAP fds");
                    return;
                }
                // The supervisor keeps its capability to remove the TAPs afterwards; the
                // emulator starts with none.
                if (plan.drop_capabilities) {
                    if (const int error = drop_all_capabilities(); error != 0) {
                        executor.set_error(std::error_code(error, std::system_category()),
                                           "giving up taplaunch's capabilities");
                    }
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
    // Once SIGTERM or SIGINT has reached the emulator, it has stop_timeout_seconds to end.
    std::optional<Clock::time_point> kill_at;
    bool killed = false;
    while (true) {
        siginfo_t info{};
        int signal_number = 0;
        if (kill_at && !killed) {
            const Clock::duration remaining = *kill_at - Clock::now();
            if (remaining <= Clock::duration::zero()) {
                report_line(plan.emulator_path + " (pid " + std::to_string(child_pid) +
                            ") still runs " + std::to_string(plan.stop_timeout_seconds) +
                            " s after SIGTERM or SIGINT: sending SIGKILL (--stop-timeout sets "
                            "the wait)");
                ::kill(child_pid, SIGKILL);
                killed = true;
                continue;
            }
            const timespec wait = timespec_of(remaining);
            signal_number = ::sigtimedwait(&signals.blocked(), &info, &wait);
        } else {
            signal_number = ::sigwaitinfo(&signals.blocked(), &info);
        }
        if (signal_number < 0 || signal_number == SIGPIPE) {
            continue;  // EINTR, the wait for the deadline ended (EAGAIN), or our stderr's
                       // reader has gone (the write got EPIPE)
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
        if ((signal_number == SIGTERM || signal_number == SIGINT) && !kill_at) {
            kill_at = Clock::now() + std::chrono::seconds(plan.stop_timeout_seconds);
        }
    }
    const int status = shell_status(wait_status);
    log(plan.emulator_path + " exited with status " + std::to_string(status));
    end_orphaned_helpers(callers_children, log);
    for (const std::string& problem : taps.remove_all()) {
        report_line(problem);
    }
    return status;
}

}  // namespace taplaunch
