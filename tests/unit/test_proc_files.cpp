#include "host/proc_files.hpp"

#include "catch_compat.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

using taplaunch::process_is_running;
using taplaunch::read_proc_stat;
using taplaunch::read_process_identity;

namespace {

// Waits until /proc shows `pid` in `state` (true) or gives up after two seconds (false).
bool wait_for_state(pid_t pid, char state)
{
    for (int i = 0; i < 200; ++i) {
        const auto stat = read_proc_stat(pid);
        if (stat && stat->state == state) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

}  // namespace

TEST_CASE("read_proc_stat reads this process's state, parent and start time")
{
    const auto stat = read_proc_stat(::getpid());
    REQUIRE(stat);
    CHECK(stat->state == 'R');
    CHECK(stat->parent == ::getppid());
    CHECK(stat->start_time > 0);
    CHECK_FALSE(read_proc_stat(0x3fffffff));
}

TEST_CASE("a process's identity names its PID namespace, and one of another is never judged gone")
{
    struct stat namespace_file {};
    REQUIRE(::stat("/proc/self/ns/pid", &namespace_file) == 0);
    const auto self = read_process_identity(::getpid());
    REQUIRE(self);
    REQUIRE(self->pid_namespace);
    CHECK(*self->pid_namespace == namespace_file.st_ino);
    CHECK(taplaunch::own_pid_namespace() == self->pid_namespace);
    // The same PID and start time in another PID namespace name another process, which /proc
    // here cannot show: it counts as running, even where this namespace's PID is dead.
    taplaunch::ProcessIdentity elsewhere = *self;
    elsewhere.pid_namespace = *self->pid_namespace + 1;
    elsewhere.start_time = self->start_time + 1;
    CHECK(process_is_running(elsewhere));
    elsewhere.pid_namespace = self->pid_namespace;
    CHECK_FALSE(process_is_running(elsewhere));
}

TEST_CASE("process_is_running tells this process from a dead one with the same PID")
{
    const auto self = read_process_identity(::getpid());
    REQUIRE(self);
    CHECK(process_is_running(*self));
    CHECK_FALSE(process_is_running({self->pid, self->start_time + 1}));
}

TEST_CASE("process_is_running: a zombie that waits for its parent to reap it has ended")
{
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::pause();
        ::_exit(0);
    }
    const auto identity = read_process_identity(child);
    REQUIRE(identity);
    CHECK(process_is_running(*identity));
    ::kill(child, SIGKILL);
    REQUIRE(wait_for_state(child, 'Z'));
    CHECK_FALSE(process_is_running(*identity));
    ::waitpid(child, nullptr, 0);
    CHECK_FALSE(process_is_running(*identity));
}

TEST_CASE("list_open_fds lists what this process holds, not the listing's own fd")
{
    int pipe_fds[2];
    REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
    const auto fds = taplaunch::list_open_fds();
    CHECK(fds.contains(pipe_fds[0]));
    CHECK(fds.contains(pipe_fds[1]));
    CHECK_FALSE(fds.contains(0));
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    const auto after = taplaunch::list_open_fds();
    CHECK_FALSE(after.contains(pipe_fds[0]));
    CHECK_FALSE(after.contains(pipe_fds[1]));
}

TEST_CASE("numeric_entries lists PIDs in /proc and nothing for a missing directory")
{
    const auto pids = taplaunch::numeric_entries("/proc");
    CHECK(std::find(pids.begin(), pids.end(), ::getpid()) != pids.end());
    CHECK(taplaunch::numeric_entries("/proc/no-such-directory").empty());
}
