// A stand-in for QEMU used by the host tests: installed as "qemu-system-x86_64" in a test
// directory, it reports what it inherited from taplaunch (its PID, every open fd, and for each
// `-netdev tap,...,fd=N` the TAP behind N as the kernel sees it), then exits.
//
// For each fd it reports what the fd is ("fd N -> TARGET", from /proc/self/fd).
//
// It also reports its real uid and capability sets (all zero when taplaunch gave up its
// capability), and for `--version` alone prints one line with them, as a UML prints its
// version, so that tests see what a version probe ran with.
//
// Environment: TL_INSPECT_EXIT=N exits with N; TL_INSPECT_SLEEP=S sleeps S seconds first;
// TL_INSPECT_SIGNAL=N raises signal N instead of exiting; TL_INSPECT_HELPER=1 first forks a
// helper that sleeps on with every fd, as UML's helper processes do; TL_INSPECT_ENV=A,B
// reports those variables ("env A=value", or "env A unset"). TL_INSPECT_IGNORE=1 ignores
// SIGTERM and SIGINT (a guest that will not stop); TL_INSPECT_FLOOD=1 then writes lines to
// stdout without pause until it is killed (or for TL_INSPECT_SLEEP seconds when that is set).
// TL_INSPECT_HIDE_FDS_UNDER=DIR leaves out of "fds=" the fds open on files in DIR (the log
// files of a valgrind that ran taplaunch, which pass through its exec).

#include "host/netlink_socket.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <ctime>
#include <cstdlib>
#include <iostream>
#include <regex>
#include <sstream>
#include <set>
#include <string>

namespace {

std::set<int> open_fds()
{
    std::set<int> fds;
    const char* hidden = std::getenv("TL_INSPECT_HIDE_FDS_UNDER");
    DIR* directory = ::opendir("/proc/self/fd");
    const int own = ::dirfd(directory);
    while (const dirent* entry = ::readdir(directory)) {
        if (entry->d_name[0] == '.' || std::atoi(entry->d_name) == own) {
            continue;
        }
        if (hidden) {
            char target[4096] = {};
            const std::string link = std::string("/proc/self/fd/") + entry->d_name;
            if (::readlink(link.c_str(), target, sizeof target - 1) > 0 &&
                std::string(target).starts_with(std::string(hidden) + "/")) {
                continue;
            }
        }
        fds.insert(std::atoi(entry->d_name));
    }
    ::closedir(directory);
    return fds;
}

void report_tap(int fd)
{
    std::cout << "tap fd=" << fd;
    struct ifreq request {};
    if (::ioctl(fd, TUNGETIFF, &request) != 0) {
        std::cout << " error=not-a-tap\n";
        return;
    }
    const int flags = request.ifr_flags;
    std::cout << " ifname=" << request.ifr_name << " tap=" << ((flags & IFF_TAP) != 0)
              << " no_pi=" << ((flags & IFF_NO_PI) != 0)
              << " vnet_hdr=" << ((flags & IFF_VNET_HDR) != 0)
              << " persist=" << ((flags & IFF_PERSIST) != 0)
              << " cloexec=" << ((::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    auto netlink = taplaunch::NetlinkSocket::connect();
    const auto link = netlink.find_link(std::string(request.ifr_name));
    if (!link) {
        std::cout << " error=no-link\n";
        return;
    }
    std::string master = "none";
    if (link->master_ifindex != 0) {
        if (const auto bridge = netlink.find_link(link->master_ifindex)) {
            master = bridge->name;
        }
    }
    std::cout << " mac=" << link->mac.to_string() << " mtu=" << link->mtu << " master=" << master
              << " up=" << link->up << '\n';
}

// "uid=N CapInh=... CapPrm=... CapEff=... CapAmb=..." from /proc/self/status.
std::string credentials()
{
    std::string text = "uid=" + std::to_string(::getuid());
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        for (const char* set : {"CapInh:", "CapPrm:", "CapEff:", "CapAmb:"}) {
            if (line.rfind(set, 0) == 0) {
                const std::size_t value = line.find_first_not_of(" \t", std::string(set).size());
                text += " " + std::string(set).substr(0, 6) + "=" + line.substr(value);
            }
        }
    }
    return text;
}

void report_environment(const char* names)
{
    std::string list = names;
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t end = list.find(',', start);
        if (end == std::string::npos) {
            end = list.size();
        }
        const std::string name = list.substr(start, end - start);
        if (!name.empty()) {
            const char* value = std::getenv(name.c_str());
            std::cout << "env " << name << (value ? "=" + std::string(value) : " unset") << '\n';
        }
        start = end + 1;
    }
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc == 2 && std::string(argv[1]) == "--version") {
        std::cout << "6.1.0-inspect " << credentials() << std::endl;
        return 0;
    }
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    if (argc == 2 && std::string(argv[1]) == "--version") {
        // taplaunch asks UML for its version on hosts where that matters: answer as a UML of
        // no known version would (none that looks like N.N).
        std::cout << "inspect-emulator stand-in\n";
        return 0;
    }
    const std::set<int> fds = open_fds();
    std::cout << "started_ns=" << now.tv_sec * 1000000000LL + now.tv_nsec << '\n';
    std::cout << "pid=" << ::getpid() << '\n';
    std::cout << "fds=";
    for (auto it = fds.begin(); it != fds.end(); ++it) {
        std::cout << (it == fds.begin() ? "" : ",") << *it;
    }
    std::cout << '\n';
    for (const int fd : fds) {
        char target[4096] = {};
        const std::string link = "/proc/self/fd/" + std::to_string(fd);
        if (::readlink(link.c_str(), target, sizeof target - 1) > 0) {
            std::cout << "fd " << fd << " -> " << target << '\n';
        }
    }
    std::cout << "credentials " << credentials() << '\n';
    if (const char* names = std::getenv("TL_INSPECT_ENV")) {
        report_environment(names);
    }
    std::cout << "argv=";
    for (int i = 1; i < argc; ++i) {
        std::cout << (i > 1 ? " " : "") << argv[i];
    }
    std::cout << '\n';

    const std::regex tap_fd(R"(^tap,.*\bfd=([0-9]+)(,|$))");
    const std::regex tap_queue_fds(R"(^tap,.*\bfds=([0-9:]+)(,|$))");
    for (int i = 1; i + 1 < argc; ++i) {
        std::smatch match;
        const std::string value = argv[i + 1];
        if (std::string(argv[i]) == "-netdev" && std::regex_search(value, match, tap_fd)) {
            report_tap(std::stoi(match[1]));
        } else if (std::string(argv[i]) == "-netdev" &&
                   std::regex_search(value, match, tap_queue_fds)) {
            std::istringstream queues(match[1]);
            for (std::string fd; std::getline(queues, fd, ':');) {
                report_tap(std::stoi(fd));
            }
        }
    }
    std::cout << std::flush;

    if (std::getenv("TL_INSPECT_HELPER")) {
        // Like UML's helper processes: a child that keeps every fd and outlives the emulator.
        const pid_t helper = ::fork();
        if (helper == 0) {
            ::sleep(60);
            ::_exit(0);
        }
        std::cout << "helper=" << helper << std::endl;
    }
    if (std::getenv("TL_INSPECT_IGNORE")) {
        std::signal(SIGTERM, SIG_IGN);
        std::signal(SIGINT, SIG_IGN);
        std::cout << "ignoring=SIGTERM,SIGINT" << std::endl;
    }
    if (std::getenv("TL_INSPECT_FLOOD")) {
        const char* seconds = std::getenv("TL_INSPECT_SLEEP");
        const time_t until = ::time(nullptr) + (seconds ? std::atoi(seconds) : 3600);
        const std::string line(199, 'x');
        while (::time(nullptr) < until) {
            std::cout << line << '\n';
        }
        std::cout << std::flush;
        return 0;
    }
    if (const char* seconds = std::getenv("TL_INSPECT_SLEEP")) {
        ::sleep(static_cast<unsigned>(std::atoi(seconds)));
    }
    if (const char* signal_number = std::getenv("TL_INSPECT_SIGNAL")) {
        std::signal(std::atoi(signal_number), SIG_DFL);
        std::raise(std::atoi(signal_number));
    }
    const char* status = std::getenv("TL_INSPECT_EXIT");
    return status ? std::atoi(status) : 0;
}
