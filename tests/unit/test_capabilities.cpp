#include "handoff/caller_environment.hpp"
#include "host/capabilities.hpp"

#include "catch_compat.hpp"

#include <sys/wait.h>
#include <unistd.h>

TEST_CASE("read_caller_privileges reports the real uid and no secure mode in a plain run")
{
    const taplaunch::CallerPrivileges privileges = taplaunch::read_caller_privileges();
    CHECK(privileges.real_uid == ::getuid());
    CHECK_FALSE(privileges.elevated);
    if (::getuid() == 0) {
        CHECK(privileges.net_admin);  // root's usual capabilities
    }
}

TEST_CASE("drop_all_capabilities leaves a process with none")
{
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        const int error = taplaunch::drop_all_capabilities();
        ::_exit(error != 0 ? 2 : taplaunch::holds_any_capability() ? 3 : 0);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    if (::getuid() == 0) {
        CHECK(taplaunch::holds_any_capability());  // the test process itself kept root's
    }
}

TEST_CASE("caller_environment is environ outside secure mode")
{
    taplaunch::save_caller_environment();
    CHECK(taplaunch::caller_environment() == environ);
}
