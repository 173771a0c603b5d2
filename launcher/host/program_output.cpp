#include "host/program_output.hpp"

#include "handoff/boost_process.hpp"
#include "host/capabilities.hpp"
#include "host/unique_fd.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>
#include <string_view>

namespace taplaunch {

namespace {

constexpr std::size_t output_limit = 4 << 20;

bool runnable(const std::string& path)
{
    struct stat status {};
    return ::stat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode) &&
           ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<std::string> find_program(const std::string& program,
                                        const std::vector<std::string>& also_in)
{
    if (program.find('/') != std::string::npos) {
        return runnable(program) ? std::optional(program) : std::nullopt;
    }
    const char* path_variable = std::getenv("PATH");
    std::string search = path_variable ? path_variable : "/usr/bin:/bin";
    for (const std::string& directory : also_in) {
        search += ":" + directory;
    }
    std::size_t start = 0;
    while (start <= search.size()) {
        std::size_t end = search.find(':', start);
        if (end == std::string::npos) {
            end = search.size();
        }
        const std::string directory = search.substr(start, end - start);
        const std::string candidate = (directory.empty() ? "." : directory) + "/" + program;
        if (runnable(candidate)) {
            return candidate;
        }
        start = end + 1;
    }
    return std::nullopt;
}

std::optional<ProgramOutput> run_program(const std::string& path, const std::vector<std::string>& args,
                                         std::chrono::milliseconds limit)
{
    int out_pipe[2];
    int error_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
        return std::nullopt;
    }
    UniqueFd out_read(out_pipe[0]);
    UniqueFd out_write(out_pipe[1]);
    if (::pipe2(error_pipe, O_CLOEXEC) != 0) {
        return std::nullopt;
    }
    UniqueFd error_read(error_pipe[0]);
    UniqueFd error_write(error_pipe[1]);

    // Between fork and exec (async-signal-safe calls only): stdin on /dev/null, stdout and
    // stderr on the pipes, no capability. A failure here ends the child with status 127, as a shell reports a
    // program it could not run.
    const int out_fd = out_write.get();
    const int error_fd = error_write.get();
    std::error_code start_error;
    pid_t failed_child = -1;
    pid_t child_pid = -1;
    {
        bp::child child(
            bp::exe = path, bp::args = args, bp::env = bp::environment(), start_error,
            bp::extend::on_exec_setup =
                [out_fd, error_fd](auto&) {
                    const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
                    if (null_in < 0 || ::dup2(null_in, 0) < 0 || ::dup2(out_fd, 1) < 0 ||
                        ::dup2(error_fd, 2) < 0 || drop_all_capabilities() != 0) {
                        ::_exit(127);
                    }
                },
            bp::extend::on_error =
                [&failed_child](auto& executor, const std::error_code&) {
                    failed_child = executor.pid;  // -1 when fork itself failed
                });
        if (start_error) {
            if (failed_child > 0) {
                while (::waitpid(failed_child, nullptr, 0) < 0 && errno == EINTR) {
                }
            }
            return std::nullopt;
        }
        child_pid = child.id();
        child.detach();  // waited for below, killed first when it takes too long
    }
    const pid_t child = child_pid;
    out_write.reset();
    error_write.reset();

    ProgramOutput result;
    std::string error_text;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    bool timed_out = false;
    while (out_read.valid() || error_read.valid()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd ready[2] = {{out_read.get(), POLLIN, 0}, {error_read.get(), POLLIN, 0}};
        const int count = ::poll(ready, 2, static_cast<int>(left.count()));
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count <= 0) {
            timed_out = count == 0;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (ready[i].fd < 0 || !(ready[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
            char buffer[8192];
            UniqueFd& fd = i == 0 ? out_read : error_read;
            std::string& text = i == 0 ? result.out : error_text;
            const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
            if (got <= 0) {
                fd.reset();
            } else if (text.size() < output_limit) {
                text.append(buffer, static_cast<std::size_t>(got));
            }
        }
    }
    if (timed_out) {
        ::kill(child, SIGKILL);
    }
    int wait_status = 0;
    while (::waitpid(child, &wait_status, 0) < 0 && errno == EINTR) {
    }
    result.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status)
                                           : 128 + (WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0);
    result.error = error_text.substr(0, error_text.find('\n'));
    return result;
}

}  // namespace taplaunch
