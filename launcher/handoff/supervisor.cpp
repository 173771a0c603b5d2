#include "handoff/supervisor.hpp"

#include "handoff/boost_process.hpp"
#include "handoff/caller_environment.hpp"
#include "handoff/emulator_environment.hpp"
#include "handoff/fd_placement.hpp"
#include "handoff/tap_fd_placements.hpp"
#include "host/capabilities.hpp"
#include "host/proc_files.hpp"
#include "host/test_fault.hpp"
#include "host/unique_fd.hpp"
#include "launch_error.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

// What the emulator's process does between fork and exec, in this order.
struct ChildSetup {
    const sigset_t* signal_mask = nullptr;  // the caller's, for the emulator
    pid_t supervisor = -1;
    const std::vector<FdPlacement>* placements = nullptr;
    bool drop_capabilities = false;
    bool fail_pdeathsig = false;  // TAPLAUNCH_TEST_FAULT (host/test_fault.hpp)
    bool fail_place_fds = false;
    int report_fd = -1;  // where a failure is reported (close-on-exec, above every placement)
};

// The steps whose failure the child reports, by index.
constexpr const char* child_steps[] = {"PR_SET_PDEATHSIG", "placing the TAP fds",
                                       "giving up taplaunch's capabilities", "exec"};
enum ChildStep : int { pdeathsig_step, place_fds_step, capabilities_step, exec_step };

struct ChildFailure {
    int step = 0;
    int error = 0;
};

// In the child: reports the failed step in one write (whole, as it is shorter than
// PIPE_BUF) and exits without exec. Boost.Process v1's own report from the child comes in
// three writes that its parent may read apart, and after it Boost goes on to execve anyway.
[[noreturn]] void fail_child(const ChildSetup& setup, ChildStep step, int error) noexcept
{
    const ChildFailure failure{step, error};
    while (::write(setup.report_fd, &failure, sizeof failure) < 0 && errno == EINTR) {
    }
    ::_exit(exit_host_failure);
}

// Runs in the child, so async-signal-safe calls only; returns when the emulator may be
// exec'd.
void set_up_emulator_child(const ChildSetup& setup) noexcept
{
    ::sigprocmask(SIG_SETMASK, setup.signal_mask, nullptr);
    if (setup.fail_pdeathsig || ::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) {
        fail_child(setup, pdeathsig_step, setup.fail_pdeathsig ? EIO : errno);
    }
    if (::getppid() != setup.supervisor) {
        ::_exit(128 + SIGTERM);  // the supervisor died before the line above
    }
    if (const int error = setup.fail_place_fds ? EIO : place_fds(*setup.placements); error != 0) {
        fail_child(setup, place_fds_step, error);
    }
    // The supervisor keeps its capability to remove the TAPs afterwards; the emulator starts
    // with none.
    if (setup.drop_capabilities) {
        if (const int error = drop_all_capabilities(); error != 0) {
            fail_child(setup, capabilities_step, error);
        }
    }
}

// The lowest fd number above every placement's target.
int above_targets(const std::vector<FdPlacement>& placements)
{
    int above = 3;
    for (const FdPlacement& placement : placements) {
        above = std::max(above, placement.target + 1);
    }
    return above;
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
    // The child reports a failure before exec on a pipe of its own, above the fds it places.
    int report_pipe[2];
    if (::pipe2(report_pipe, O_CLOEXEC) != 0) {
        const int error = errno;
        throw HostError("start " + plan.emulator_path + ": pipe: " + errno_text(error) +
                        fd_placement_hint(error));
    }
    UniqueFd report_read(report_pipe[0]);
    UniqueFd report_write_low(report_pipe[1]);
    UniqueFd report_write(
        ::fcntl(report_write_low.get(), F_DUPFD_CLOEXEC, above_targets(placements)));
    if (!report_write.valid()) {
        const int error = errno;
        throw HostError("start " + plan.emulator_path + ": " + errno_text(error) +
                        fd_placement_hint(error));
    }
    report_write_low.reset();

    ChildSetup setup;
    setup.signal_mask = &signals.previous();
    setup.supervisor = supervisor_pid;
    setup.placements = &placements;
    setup.drop_capabilities = plan.drop_capabilities;
    setup.fail_pdeathsig = test_fault("emulator-child:pdeathsig");
    setup.fail_place_fds = test_fault("emulator-child:place-fds");
    setup.report_fd = report_write.get();
    pid_t child_pid = -1;
    try {
        bp::child child(
            bp::exe = plan.emulator_path, bp::args = args, bp::env = environment,
            bp::extend::on_exec_setup = [&](auto&) { set_up_emulator_child(setup); },
            bp::extend::on_exec_error = [&](auto&, const std::error_code& error) {
                fail_child(setup, exec_step, error.value());
            });
        child_pid = child.id();
        child.detach();  // reaped below, with the status Boost.Process would not give us
    } catch (const bp::process_error& error) {
        // Boost.Process's own pipe counts against the fd limit too.
        throw HostError("start " + plan.emulator_path + ": " + error.what() +
                        fd_placement_hint(error.code().value()));
    }
    // The report's write end closes in the child at exec, or at its exit after a report.
    report_write.reset();
    ChildFailure failure;
    ssize_t got = 0;
    while ((got = ::read(report_read.get(), &failure, sizeof failure)) < 0 && errno == EINTR) {
    }
    if (got == static_cast<ssize_t>(sizeof failure) && failure.step >= 0 &&
        failure.step <= exec_step) {
        while (::waitpid(child_pid, nullptr, 0) < 0 && errno == EINTR) {
        }
        throw HostError("start " + plan.emulator_path + ": " + child_steps[failure.step] + ": " +
                        errno_text(failure.error) +
                        (failure.step == place_fds_step ? fd_placement_hint(failure.error) : "") +
                        (failure.step == exec_step && failure.error == ENOEXEC
                             ? " (not an executable this kernel can run)"
                             : ""));
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
