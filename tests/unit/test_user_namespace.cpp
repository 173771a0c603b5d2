#include "host/proc_files.hpp"

#include "catch_compat.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace {

// Runs `check` in a child process inside a new user namespace whose uid 0 is this process's
// uid (what `unshare -Ur` makes); returns the child's exit status, or -1 when the kernel does
// not allow the namespace here.
template <typename Check>
int in_new_user_namespace(Check check)
{
    const uid_t outside = ::getuid();
    const pid_t child = ::fork();
    if (child == 0) {
        if (::unshare(CLONE_NEWUSER) != 0) {
            ::_exit(100);
        }
        const std::string map = "0 " + std::to_string(outside) + " 1\n";
        const int fd = ::open("/proc/self/uid_map", O_WRONLY);
        if (fd < 0 || ::write(fd, map.data(), map.size()) != static_cast<ssize_t>(map.size())) {
            ::_exit(101);
        }
        ::close(fd);
        ::_exit(check() ? 0 : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) >= 100) {
        return -1;
    }
    return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("a process knows when it runs in a user namespace of its own, and what it maps")
{
    using namespace taplaunch;
    const bool parent_in_child_namespace = in_child_user_namespace();
    CHECK(uid_is_mapped(::getuid()));
    const int status = in_new_user_namespace([] {
        const auto map = read_own_uid_map();
        return in_child_user_namespace() && map.size() == 1 && map[0].inside == 0 &&
               map[0].count == 1 && uid_is_mapped(0) && !uid_is_mapped(1) &&
               !uid_is_mapped(65534);
    });
    INFO("-1: this kernel let no user namespace be made (sysctl user.max_user_namespaces)");
    CHECK(status == 0);
    if (!parent_in_child_namespace) {
        CHECK(read_own_uid_map().at(0).count == 4294967295UL);
    }
}
