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

constexpr auto version_time_limit = std::chrono::seconds(2);
constexpr std::size_t answer_limit = 1 << 20;

// In the child between fork and exec (async-signal-safe calls only): no capability, stdin and
// stderr on /dev/null, stdout on the pipe, then exec. Never returns.
[[noreturn]] void run_asked_child(const char* path, const char* argument, int write_end)
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
    const char* argv[] = {path, argument, nullptr};
    const char* envp[] = {nullptr};
    ::execve(path, const_cast<char* const*>(argv), const_cast<char* const*>(envp));
    ::_exit(127);
}

// Reads from `fd` until end of file (then sets `ended`), the deadline, or (with
// `first_line_only`) a newline.
std::string read_answer(int fd, std::chrono::steady_clock::time_point deadline,
                        bool first_line_only, bool& ended)
{
    std::string text;
    char buffer[8192];
    while (text.size() < answer_limit &&
           !(first_line_only && text.find('\n') != std::string::npos)) {
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
            ended = got == 0;
            break;
        }
        text.append(buffer, static_cast<std::size_t>(got));
    }
    return text;
}

// Runs `path argument` as described in the header; empty when it printed nothing. `ended`:
// whether its output was read to the end.
std::string ask_program(const std::string& path, const char* argument,
                        std::chrono::milliseconds limit, bool first_line_only, bool& ended)
{
    ended = false;
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        return {};
    }
    UniqueFd read_end(pipe_fds[0]);
    UniqueFd write_end(pipe_fds[1]);

    const pid_t child = ::fork();
    if (child < 0) {
        return {};
    }
    if (child == 0) {
        run_asked_child(path.c_str(), argument, write_end.get());
    }
    write_end.reset();
    const std::string text =
        read_answer(read_end.get(), std::chrono::steady_clock::now() + limit, first_line_only,
                    ended);
    ::kill(child, SIGKILL);  // harmless once it has exited; ends one that hangs
    ::waitpid(child, nullptr, 0);
    return text;
}

}  // namespace

std::optional<std::string> read_program_version(const std::string& path)
{
    bool ended = false;
    const std::string text = ask_program(
        path, "--version",
        std::chrono::duration_cast<std::chrono::milliseconds>(version_time_limit), true, ended);
    const std::string line = text.substr(0, text.find('\n'));
    if (line.empty()) {
        return std::nullopt;
    }
    return line;
}

std::optional<std::string> read_program_answer(const std::string& path, const char* argument,
                                               std::chrono::milliseconds limit)
{
    bool ended = false;
    std::string text = ask_program(path, argument, limit, false, ended);
    if (text.empty() || !ended) {  // a part of an answer is no answer
        return std::nullopt;
    }
    return text;
}

}  // namespace taplaunch
