#include "lab/lab_init.hpp"

#include "handoff/caller_environment.hpp"
#include "host/program_output.hpp"
#include "launch_error.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>

namespace taplaunch {

namespace {

using namespace std::chrono_literals;

void mount_or_throw(const char* source, const char* target, const char* type, unsigned long flags,
                    const char* data = nullptr)
{
    if (::mount(source, target, type, flags, data) != 0) {
        throw HostError(std::string("lab: cannot mount ") + (type ? type : "") + " on " + target +
                        ": " + errno_text(errno));
    }
}

// The lab's own mounts, in its mount namespace: nothing propagates to the host's.
void mount_lab_filesystems()
{
    mount_or_throw(nullptr, "/", nullptr, MS_REC | MS_PRIVATE);
    // /proc of the lab's PID namespace, so that taplaunch list, gc and wait judge the lab's
    // processes by the PIDs the lab sees.
    if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
        throw HostError("lab: cannot mount the lab's /proc: " + errno_text(errno) +
                        " (a container that hides parts of /proc forbids it; run the lab on the "
                        "runner itself or in a container started with an unmasked /proc)");
    }
    // /sys showing the lab's devices; where a container forbids it, the host's stays visible,
    // which only programs that list /sys/class/net would notice.
    ::mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
    mount_or_throw("taplaunch-lab", lab_state_directory, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                   "mode=0755,size=16m");
}

std::string joined(const std::vector<std::string>& words)
{
    std::string text;
    for (const std::string& word : words) {
        text += (text.empty() ? "" : " ") + word;
    }
    return text;
}

ProgramOutput run_or_throw(const std::string& program, const std::vector<std::string>& args)
{
    const auto output = run_program(program, args, 10s);
    if (!output) {
        throw HostError("lab: cannot run " + program + ": " + errno_text(errno));
    }
    if (output->status != 0) {
        throw HostError("lab: " + program + " " + joined(args) + " failed (status " +
                        std::to_string(output->status) + "): " + output->error);
    }
    return *output;
}

void write_file(const std::string& path, const std::string& text)
{
    std::ofstream file(path);
    file << text;
    file.close();
    if (!file) {
        throw HostError("lab: cannot write " + path + ": " + errno_text(errno));
    }
}

void set_up_network(const LabInitStart& start)
{
    for (const auto& args : lab_link_commands(start.settings)) {
        run_or_throw(start.programs.ip, args);
    }
    if (!start.settings.outbound) {
        return;
    }
    // Forwarding and NAT in the lab's namespace only: these sysctls are the namespace's own.
    write_file("/proc/sys/net/ipv4/ip_forward", "1\n");
    if (start.settings.ipv6) {
        write_file("/proc/sys/net/ipv6/conf/all/forwarding", "1\n");
    }
    const std::string ruleset = std::string(lab_state_directory) + "/taplaunch-nat.nft";
    write_file(ruleset, lab_nat_ruleset(start.settings));
    const auto output = run_program(start.programs.nft, {"-f", ruleset}, 10s);
    if (!output || output->status != 0) {
        throw HostError("lab: --outbound needs nftables (nf_tables with NAT and masquerade) in the "
                        "kernel, and nft -f failed: " +
                        (output ? output->error : errno_text(errno)) +
                        " (a kernel built without CONFIG_NFT_NAT and CONFIG_NFT_MASQ cannot give a "
                        "lab the outside; run without --outbound)");
    }
}

// Forks and execs `args` (the program first, looked up on PATH) with the caller's stdout and
// stderr (stdin and stdout on /dev/null when `null_output`) and the environment `environment`
// (NULL-terminated); the child starts with `mask`. Returns its PID.
pid_t start_process(const std::vector<std::string>& args, const sigset_t& mask, bool null_output,
                    const char* const* environment)
{
    std::vector<char*> argv;
    for (const std::string& arg : args) {
        argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) {
        throw HostError("lab: cannot start " + args.front() + ": " + errno_text(errno));
    }
    if (pid == 0) {
        // Async-signal-safe calls only.
        ::sigprocmask(SIG_SETMASK, &mask, nullptr);
        if (null_output) {
            const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
            if (null_fd >= 0) {
                ::dup2(null_fd, 0);
                ::dup2(null_fd, 1);
            }
        }
        ::execvpe(argv[0], argv.data(), const_cast<char* const*>(environment));
        const int saved = errno;
        const char* what = saved == ENOENT ? ": no such program\n" : ": cannot run it\n";
        const char prefix[] = "taplaunch: lab: ";
        (void)!::write(2, prefix, sizeof prefix - 1);
        (void)!::write(2, argv[0], std::char_traits<char>::length(argv[0]));
        (void)!::write(2, what, std::char_traits<char>::length(what));
        ::_exit(saved == ENOENT ? 127 : 126);
    }
    return pid;
}


pid_t start_dnsmasq(const LabInitStart& start)
{
    const std::string leases = std::string(lab_state_directory) + "/dnsmasq.leases";
    const std::string log = std::string(lab_state_directory) + "/dnsmasq.log";
    std::vector<std::string> args{start.programs.dnsmasq};
    for (std::string& arg : dnsmasq_arguments(start.settings, leases, log, start.user_namespace)) {
        args.push_back(std::move(arg));
    }
    sigset_t none;
    sigemptyset(&none);
    const pid_t dnsmasq = start_process(args, none, true, environ);
    // Ready once it logs that it started (after its sockets, its lease file and its change of
    // user); gone at once when any of them failed, with the reason as its last log line.
    const auto log_text = [&] {
        std::ifstream file(log);
        std::ostringstream text;
        text << file.rdbuf();
        return text.str();
    };
    for (int tries = 0; tries < 300; ++tries) {
        int status = 0;
        if (::waitpid(dnsmasq, &status, WNOHANG) == dnsmasq) {
            std::string reason = "it logged nothing";
            std::istringstream lines(log_text());
            for (std::string line; std::getline(lines, line);) {
                if (line.find("FAILED to start") == std::string::npos && !line.empty()) {
                    reason = line;
                }
            }
            throw HostError("lab: dnsmasq exited at once (status " + std::to_string(exit_status_of(status)) +
                            "): " + reason);
        }
        if (log_text().find("started, version") != std::string::npos) {
            ::setenv(lab_leases_variable, leases.c_str(), 1);
            return dnsmasq;
        }
        std::this_thread::sleep_for(10ms);
    }
    throw HostError("lab: dnsmasq did not start within 3 s");
}

// pasta, started by the launcher outside, configures the lab's interface `outside`; the lab
// starts COMMAND once that has a default route.
void wait_for_outside(const LabInitStart& start)
{
    for (int tries = 0; tries < 1000; ++tries) {
        const auto routes = run_program(start.programs.ip, {"-4", "route", "show", "default"}, 5s);
        if (routes && routes->status == 0 && !routes->out.empty()) {
            return;
        }
        std::this_thread::sleep_for(10ms);
    }
    throw HostError(
        "lab: pasta gave the lab no default route within 10 s (does the runner itself have one? "
        "ip route show default)");
}


}  // namespace

int exit_status_of(int wait_status)
{
    return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

void run_lab_init(const LabInitStart& start)
{
    // The lab dies with its launcher, even by SIGKILL: PID 1 gets SIGKILL, and with it every
    // process of the PID namespace.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    char go = 0;
    if (::read(start.go_fd, &go, 1) != 1) {
        ::_exit(exit_host_failure);  // the launcher is gone, or gave up
    }
    ::close(start.go_fd);
    try {
        mount_lab_filesystems();
        set_up_network(start);
        if (start.settings.dhcp) {
            start_dnsmasq(start);
        }
        if (start.settings.outbound) {
            wait_for_outside(start);
        }
    } catch (const std::exception& error) {
        report_line(error.what());
        ::_exit(exit_host_failure);
    }
    // COMMAND gets the caller's environment as the caller gave it (also what secure mode hid
    // from a taplaunch installed with a file capability), and where the lab's leases are.
    std::vector<std::string> variables;
    for (const char* const* entry = caller_environment(); *entry; ++entry) {
        if (!std::string_view(*entry).starts_with(std::string(lab_leases_variable) + "=")) {
            variables.emplace_back(*entry);
        }
    }
    if (const char* leases = std::getenv(lab_leases_variable); leases && start.settings.dhcp) {
        variables.push_back(std::string(lab_leases_variable) + "=" + leases);
    }
    std::vector<const char*> environment;
    for (const std::string& variable : variables) {
        environment.push_back(variable.c_str());
    }
    environment.push_back(nullptr);
    const pid_t command = start_process(start.command, start.command_mask, false, environment.data());

    // PID 1 takes only the signals it has handlers for or blocks: these are blocked (since the
    // launcher), taken here, and passed on to COMMAND. A terminal's signals (SI_KERNEL) reached
    // COMMAND's process group already.
    sigset_t waited;
    sigemptyset(&waited);
    sigaddset(&waited, SIGCHLD);
    for (int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
        sigaddset(&waited, signal_number);
    }
    while (true) {
        siginfo_t info{};
        if (::sigwaitinfo(&waited, &info) < 0) {
            continue;
        }
        if (info.si_signo != SIGCHLD) {
            if (info.si_code != SI_KERNEL) {
                ::kill(command, info.si_signo);
            }
            continue;
        }
        int status = 0;
        pid_t reaped = 0;
        while ((reaped = ::waitpid(-1, &status, WNOHANG)) > 0) {
            if (reaped == command) {
                ::_exit(exit_status_of(status));
            }
        }
    }
}

}  // namespace taplaunch
