#include "handoff/caller_environment.hpp"
#include "host/capabilities.hpp"

#include "catch_compat.hpp"

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>

namespace {

// What a child reports with its exit status in the test below.
enum ChildResult {
    dropped = 0,
    no_namespace = 10,        // no capability to drop here: the kernel made no user namespace
    did_not_hold = 11,        // the capability to drop was never held, or not seen
    not_seen_as_held = 12,    // holds_any_capability missed what the process holds
    drop_failed = 13,
    still_reported = 14,      // holds_any_capability still reports one after the drop
    still_in_status = 15,     // /proc/self/status still shows one after the drop
    still_usable = 16,        // the dropped capability still works
};

// Whether /proc/self/status shows every capability set but the bounding one empty: read
// there, not through taplaunch's own functions, so the check does not trust what it checks.
bool status_shows_no_capability()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    int sets = 0;
    while (std::getline(status, line)) {
        for (const char* name : {"CapInh:", "CapPrm:", "CapEff:", "CapAmb:"}) {
            if (line.starts_with(name)) {
                ++sets;
                if (line.find_first_not_of("0\t ", std::string(name).size()) != std::string::npos) {
                    return false;
                }
            }
        }
    }
    return sets == 4;
}

}  // namespace

TEST_CASE("read_caller_privileges reports the real uid and no secure mode in a plain run")
{
    const taplaunch::CallerPrivileges privileges = taplaunch::read_caller_privileges();
    CHECK(privileges.real_uid == ::getuid());
    CHECK_FALSE(privileges.elevated);
    if (::getuid() == 0) {
        CHECK(privileges.net_admin);  // root's usual capabilities
    }
}

TEST_CASE("drop_all_capabilities takes every capability a process holds")
{
    // The child holds the full set: root's own, or, for anyone else, that of root of a user
    // namespace of its own. It proves it holds CAP_SYS_ADMIN by using it (a UTS namespace of
    // its own), drops everything, and must then fail to use it again.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (::getuid() != 0 && ::unshare(CLONE_NEWUSER) != 0) {
            ::_exit(no_namespace);
        }
        if (!taplaunch::read_caller_privileges().net_admin || ::unshare(CLONE_NEWUTS) != 0) {
            ::_exit(did_not_hold);
        }
        if (!taplaunch::holds_any_capability()) {
            ::_exit(not_seen_as_held);
        }
        if (taplaunch::drop_all_capabilities() != 0) {
            ::_exit(drop_failed);
        }
        if (taplaunch::holds_any_capability()) {
            ::_exit(still_reported);
        }
        if (!status_shows_no_capability()) {
            ::_exit(still_in_status);
        }
        if (::unshare(CLONE_NEWUTS) == 0 || errno != EPERM) {
            ::_exit(still_usable);
        }
        ::_exit(dropped);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    if (WEXITSTATUS(status) == no_namespace) {
        WARN("not root, and this kernel made no user namespace (user.max_user_namespaces): "
             "nothing to drop, nothing checked");
        return;
    }
    CHECK(WEXITSTATUS(status) == dropped);
    if (::getuid() == 0) {
        CHECK(taplaunch::holds_any_capability());  // the test process itself kept root's
    }
}

TEST_CASE("caller_environment is environ outside secure mode")
{
    taplaunch::save_caller_environment();
    CHECK(taplaunch::caller_environment() == environ);
}
