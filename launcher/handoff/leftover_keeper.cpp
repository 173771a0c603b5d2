#include "handoff/leftover_keeper.hpp"

#include "host/macvtap_link.hpp"

#include "host/ovs_database.hpp"
#include "host/unique_fd.hpp"
#include "launch_error.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace taplaunch {

namespace {

// The keeper's whole life: it must not hold a TAP fd (the TAP would outlive the emulator), a
// caller's fd (a pipe would not see its end) or a terminal's signals (a Ctrl-C for the guest,
// a service manager stopping the unit, are not meant for it: it ends by itself, milliseconds
// after the emulator).
// Removes the leftovers now (the emulator has ended, or never will run), reporting what is
// left on stderr with the command that removes it.
void remove_leftovers(const Leftovers& leftovers)
{
    for (const KeptMacvtap& macvtap : leftovers.macvtaps) {
        if (const std::string problem =
                remove_macvtap_if_ours(macvtap.ifindex, macvtap.ifname, macvtap.owner_record);
            !problem.empty()) {
            report_line(problem);
        }
    }
    for (const KeptOvsPort& port : leftovers.ovs_ports) {
        try {
            const OvsRemoval removal =
                remove_ovs_port(port.bridge, port.ifname, port.owner_record);
            if (!removal.problem.empty()) {
                report_line(removal.problem);
            }
        } catch (const std::exception& error) {
            report_line("could not remove Open vSwitch port " + port.ifname + ": " +
                        error.what() + " (" + ovs_remove_command(port.bridge, port.ifname) +
                        " removes it)");
        }
    }
}

// The keeper's whole life: it must not hold a TAP fd (the TAP would outlive the emulator), a
// caller's fd (a pipe would not see its end) or a terminal's signals (a Ctrl-C for the guest,
// a service manager stopping the unit, are not meant for it: it ends by itself, milliseconds
// after the emulator).
[[noreturn]] void keep(int emulator, const Leftovers& leftovers)
{
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) {
        ::signal(signal, SIG_IGN);
    }
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
        ::dup2(null, 0);
        ::dup2(null, 1);
    }
    if (emulator > 3) {
        ::close_range(3, static_cast<unsigned>(emulator) - 1, 0);
    }
    ::close_range(static_cast<unsigned>(emulator) + 1, UINT_MAX, 0);
    pollfd ended = {emulator, POLLIN, 0};
    while (::poll(&ended, 1, -1) < 0 && errno == EINTR) {
    }
    remove_leftovers(leftovers);
    ::_exit(0);
}

}  // namespace

pid_t start_leftover_keeper(const Leftovers& leftovers)
{
    const UniqueFd self(static_cast<int>(::syscall(SYS_pidfd_open, ::getpid(), 0)));
    if (!self.valid()) {
        throw HostError(std::string("cannot watch this process for what it leaves behind "
                                    "(pidfd_open: ") + std::strerror(errno) +
                        "; Linux 5.3 or later has it, or use --supervise)");
    }
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) {
        throw HostError(std::string("cannot start the keeper: pipe: ") +
                        std::strerror(errno));
    }
    UniqueFd report_read(report[0]);
    UniqueFd report_write(report[1]);
    const pid_t first = ::fork();
    if (first < 0) {
        throw HostError(std::string("cannot start the keeper: fork: ") +
                        std::strerror(errno));
    }
    if (first == 0) {
        // A session of its own (no terminal's signals), and a second fork so that the keeper
        // is not the emulator's child: the emulator would reap it, or see it in its SIGCHLD.
        ::setsid();
        const pid_t keeper = ::fork();
        if (keeper != 0) {
            const pid_t told = keeper;
            [[maybe_unused]] const ssize_t written = ::write(report[1], &told, sizeof told);
            ::_exit(keeper < 0 ? 1 : 0);
        }
        keep(self.get(), leftovers);
    }
    report_write.reset();
    int status = 0;
    while (::waitpid(first, &status, 0) < 0 && errno == EINTR) {
    }
    pid_t keeper = -1;
    while (::read(report_read.get(), &keeper, sizeof keeper) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || keeper <= 0) {
        throw HostError("cannot start the keeper: fork failed");
    }
    return keeper;
}

void keep_leftovers_after_exec(std::vector<ReadyTap>& taps, const StepLogger& log)
{
    Leftovers leftovers;
    for (const ReadyTap& tap : taps) {
        if (tap.ovs_port) {
            leftovers.ovs_ports.push_back({tap.plan->bridge, tap.ifname, tap.plan->owner_alias});
        }
        if (tap.macvtap) {
            leftovers.macvtaps.push_back({tap.ifindex, tap.ifname, tap.plan->owner_alias});
        }
    }
    if (leftovers.empty()) {
        return;
    }
    pid_t keeper = 0;
    try {
        keeper = start_leftover_keeper(leftovers);
    } catch (const HostError&) {
        taps.clear();  // the fds go, then what outlives them
        remove_leftovers(leftovers);
        throw;
    }
    if (!log) {
        return;
    }
    const std::string when = " when pid " + std::to_string(::getpid()) +
                             " (the emulator after exec) ends";
    for (const KeptMacvtap& macvtap : leftovers.macvtaps) {
        log("keeper, pid " + std::to_string(keeper) + ", removes macvtap " + macvtap.ifname +
            when);
    }
    for (const KeptOvsPort& port : leftovers.ovs_ports) {
        log("keeper, pid " + std::to_string(keeper) + ", removes Open vSwitch port " +
            port.ifname + " from " + port.bridge + when);
    }
}

}  // namespace taplaunch
