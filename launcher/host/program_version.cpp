#include "host/program_version.hpp"

#include "host/capabilities.hpp"
#include "host/unique_fd.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>

namespace taplaunch {

namespace {

constexpr auto time_limit = std::chrono::seconds(2);

// In the child between fork and exec (async-signal-safe calls only): no capability, stdin and
// stderr on /dev/null, stdout on the pipe, then exec. Never returns.
[[noreturn]] void run_version_child(const char* path, int write_end)
{
    if (drop_all_capabilities() != 0) {
        ::_exit(127);
    }
    const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int null_out = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_in < 0 || null_out < 0 || ::dup2(null_in, 0) < 0 || ::dup2(write_end, 1) < 0 ||
        ::dup2(null_out, 2) < 0) {
        ::_exit(127);
    }
    const char* argv[] = {path, "--version", nullptr};
    const char* envp[] = {nullptr};
    ::execve(path, const_cast<char* const*>(argv), const_cast<char* const*>(envp));
    ::_exit(127);
}

// Reads from `fd` until a newline, end of file or the deadline.
std::string read_first_line(int fd, std::chrono::steady_clock::time_point deadline)
{
    std::string text;
    char buffer[256];
    while (text.find('\n') == std::string::npos) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            break;
        }
        pollfd ready{fd, POLLIN, 0};
        if (::poll(&ready, 1, static_cast<int>(left.count())) <= 0) {
            break;
        }
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got <= 0) {
            break;
        }
        text.append(buffer, static_cast<std::size_t>(got));
    }
    return text.substr(0, text.find('\n'));
}

}  // namespace

std::optional<std::string> read_program_version(const std::string& path)
{
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        return std::nullopt;
    }
    UniqueFd read_end(pipe_fds[0]);
    UniqueFd write_end(pipe_fds[1]);

    const pid_t child = ::fork();
    if (child < 0) {
        return std::nullopt;
    }
    if (child == 0) {
        run_version_child(path.c_str(), write_end.get());
    }
    write_end.reset();
    const std::string line =
        read_first_line(read_end.get(), std::chrono::steady_clock::now() + time_limit);
    ::kill(child, SIGKILL);  // harmless once it has exited; ends one that hangs
    ::waitpid(child, nullptr, 0);
    if (line.empty()) {
        return std::nullopt;
    }
    return line;
}

}  // namespace taplaunch
