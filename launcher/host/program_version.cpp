#include "host/program_version.hpp"

#include "host/unique_fd.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>

namespace taplaunch {

namespace {

constexpr auto time_limit = std::chrono::seconds(2);

struct SpawnActions {
    posix_spawn_file_actions_t actions{};
    SpawnActions() { ::posix_spawn_file_actions_init(&actions); }
    ~SpawnActions() { ::posix_spawn_file_actions_destroy(&actions); }
    SpawnActions(const SpawnActions&) = delete;
    SpawnActions& operator=(const SpawnActions&) = delete;
};

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

    SpawnActions spawn;
    ::posix_spawn_file_actions_addopen(&spawn.actions, 0, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_adddup2(&spawn.actions, write_end.get(), 1);
    ::posix_spawn_file_actions_addopen(&spawn.actions, 2, "/dev/null", O_WRONLY, 0);
    const char* argv[] = {path.c_str(), "--version", nullptr};
    const char* envp[] = {nullptr};
    pid_t child = -1;
    if (::posix_spawn(&child, path.c_str(), &spawn.actions, nullptr, const_cast<char* const*>(argv),
                      const_cast<char* const*>(envp)) != 0) {
        return std::nullopt;
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
