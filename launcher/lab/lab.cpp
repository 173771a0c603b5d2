#include "lab/lab.hpp"

#include "handoff/blocked_signals.hpp"
#include "host/capabilities.hpp"
#include "host/unique_fd.hpp"
#include "lab/lab_init.hpp"
#include "lab/lab_prerequisites.hpp"
#include "launch_error.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

namespace taplaunch {

namespace {

void write_proc_file(pid_t pid, const std::string& name, const std::string& text)
{
    const std::string path = "/proc/" + std::to_string(pid) + "/" + name;
    std::ofstream file(path);
    file << text;
    file.close();
    if (!file) {
        throw HostError("lab: cannot write " + path + ": " + errno_text(errno));
    }
}

UniqueFd open_namespace(pid_t pid, const char* kind)
{
    const std::string path = "/proc/" + std::to_string(pid) + "/ns/" + kind;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
        throw HostError("lab: cannot open " + path + ": " + errno_text(errno));
    }
    return fd;
}

// A child that is killed and reaped unless the lab runs to its end.
class ChildProcess {
public:
    ChildProcess() = default;
    explicit ChildProcess(pid_t pid) : pid_(pid) {}
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess() { stop(SIGKILL); }
    pid_t pid() const { return pid_; }
    // Takes charge of `pid` (a child that runs nothing of ours yet).
    void adopt(pid_t pid) { pid_ = pid; }
    bool running() const { return pid_ > 0; }
    // Its wait status once it has ended, nullopt while it runs.
    std::optional<int> reap_if_ended()
    {
        int status = 0;
        if (pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return status;
        }
        return std::nullopt;
    }
    void stop(int signal_number)
    {
        if (pid_ > 0) {
            ::kill(pid_, signal_number);
            while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
            }
            pid_ = -1;
        }
    }

private:
    pid_t pid_ = -1;
};

// pasta connecting the lab's namespace (netns_fd, and userns_fd for an ordinary user's lab) to
// the caller's network, in the foreground, dying with the launcher. Its stderr goes to
// `error_fd`, read if it ends early.
pid_t start_pasta(const std::string& pasta, int userns_fd, int netns_fd, int error_fd, bool as_root)
{
    std::vector<std::string> args{pasta, "--config-net", "--foreground", "--quiet",
                                  "--ns-ifname", lab_outside_interface,
                                  // Nothing of the lab is offered on the runner's ports, and the
                                  // lab's loopback is its own.
                                  "-t", "none", "-u", "none", "-T", "none", "-U", "none"};
    // pasta drops its capabilities before it opens the namespaces, so it opens them through its
    // own fds; root's pasta would otherwise become nobody, who may not read /proc/self/fd.
    if (as_root) {
        args.insert(args.end(), {"--runas", "0:0", "--netns-only"});
    } else {
        args.insert(args.end(), {"--userns", "/proc/self/fd/" + std::to_string(userns_fd)});
    }
    args.insert(args.end(), {"--netns", "/proc/self/fd/" + std::to_string(netns_fd)});
    std::vector<char*> argv;
    for (const std::string& arg : args) {
        argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        throw HostError("lab: cannot start pasta: " + errno_text(errno));
    }
    if (pid == 0) {
        // Async-signal-safe calls only. pasta dies with the launcher, even by SIGKILL.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) {
            ::_exit(exit_host_failure);
        }
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        const int null_fd = ::open("/dev/null", O_RDWR);
        ::dup2(null_fd, 0);
        ::dup2(null_fd, 1);
        ::dup2(error_fd, 2);
        // The namespace fds stay open across exec (the rest are close-on-exec).
        ::fcntl(netns_fd, F_SETFD, 0);
        if (userns_fd >= 0) {
            ::fcntl(userns_fd, F_SETFD, 0);
        }
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return pid;
}

// pasta's message, from what it printed: the last line that is not about syslog.
std::string pasta_message(int error_fd)
{
    std::string text;
    char buffer[4096];
    ssize_t got = 0;
    while ((got = ::read(error_fd, buffer, sizeof buffer)) > 0) {
        text.append(buffer, static_cast<std::size_t>(got));
    }
    std::string message;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        const std::string line = text.substr(start, end - start);
        if (!line.empty() && line.find("syslog") == std::string::npos) {
            message = line;
        }
        start = end + 1;
    }
    return message.empty() ? "it printed nothing" : message;
}

}  // namespace

int run_lab(const LabSettings& settings, const std::vector<std::string>& command)
{
    const bool as_root = ::geteuid() == 0;
    if (!as_root) {
        // A lab needs no privilege but its user namespace's. Where taplaunch is installed with
        // a file capability, drop it, and become dumpable again (secure mode made it not), so
        // that this user may write the lab's id maps in /proc.
        if (drop_all_capabilities() != 0 || ::prctl(PR_SET_DUMPABLE, 1) != 0) {
            throw HostError("lab: cannot drop taplaunch's capabilities: " + errno_text(errno));
        }
    }
    const LabPrograms programs = check_lab_prerequisites(settings, as_root);

    // From here on signals wait for sigwaitinfo; the lab's PID 1 inherits the mask and takes
    // them the same way.
    BlockedSignals signals;
    int go_pipe[2];
    if (::pipe2(go_pipe, O_CLOEXEC) != 0) {
        throw HostError("lab: pipe: " + errno_text(errno));
    }
    UniqueFd go_read(go_pipe[0]);
    UniqueFd go_write(go_pipe[1]);
    std::cout.flush();
    std::cerr.flush();

    LabInitStart start;
    start.settings = settings;
    start.programs = programs;
    start.command = command;
    start.user_namespace = !as_root;
    start.go_fd = go_read.get();
    start.command_mask = signals.previous();
    const long flags = CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS | (as_root ? 0 : CLONE_NEWUSER);
    // clone as fork does (no new stack): the child gets a copy of everything, as after fork.
    const long cloned = ::syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (cloned < 0) {
        const int errnum = errno;
        if (!as_root && (errnum == EPERM || errnum == ENOSPC || errnum == EUSERS || errnum == EINVAL)) {
            throw HostError(user_namespace_refusal(errnum));
        }
        throw HostError("lab: cannot create the lab's namespaces: " + errno_text(errnum));
    }
    if (cloned == 0) {
        go_write.reset();
        run_lab_init(start);
    }
    go_read.reset();
    ChildProcess init(static_cast<pid_t>(cloned));

    if (!as_root) {
        // The caller's uid and gid are root in the lab; no other id exists there.
        write_proc_file(init.pid(), "setgroups", "deny\n");
        write_proc_file(init.pid(), "uid_map", "0 " + std::to_string(::getuid()) + " 1\n");
        write_proc_file(init.pid(), "gid_map", "0 " + std::to_string(::getgid()) + " 1\n");
    }
    ChildProcess pasta;
    UniqueFd pasta_errors;
    {
        UniqueFd netns = open_namespace(init.pid(), "net");
        UniqueFd userns = as_root ? UniqueFd() : open_namespace(init.pid(), "user");
        if (::write(go_write.get(), "g", 1) != 1) {
            throw HostError("lab: cannot start the lab: " + errno_text(errno));
        }
        go_write.reset();
        if (settings.outbound) {
            int error_pipe[2];
            if (::pipe2(error_pipe, O_CLOEXEC) != 0) {
                throw HostError("lab: pipe: " + errno_text(errno));
            }
            pasta_errors = UniqueFd(error_pipe[0]);
            UniqueFd error_write(error_pipe[1]);
            pasta.adopt(
                start_pasta(programs.pasta, userns.get(), netns.get(), error_write.get(), as_root));
        }
    }

    while (true) {
        siginfo_t info{};
        if (::sigwaitinfo(&signals.blocked(), &info) < 0) {
            continue;
        }
        if (info.si_signo == SIGPIPE) {
            continue;
        }
        if (info.si_signo != SIGCHLD) {
            // A terminal's signal (SI_KERNEL) reached COMMAND's process group itself.
            if (info.si_code != SI_KERNEL) {
                ::kill(init.pid(), info.si_signo);
            }
            continue;
        }
        if (const auto status = init.reap_if_ended()) {
            pasta.stop(SIGTERM);
            return exit_status_of(*status);
        }
        if (const auto status = pasta.reap_if_ended()) {
            (void)status;
            ::fcntl(pasta_errors.get(), F_SETFL, O_NONBLOCK);
            const std::string message = pasta_message(pasta_errors.get());
            init.stop(SIGKILL);
            throw HostError("lab: pasta, the lab's way out, ended: " + message);
        }
    }
}

}  // namespace taplaunch
