#include "host/definition_files.hpp"
#include "host/unique_fd.hpp"
#include "launch_error.hpp"
#include "errno_clobber.hpp"
#include "temp_dir.hpp"

#include "catch_compat.hpp"

#include <unistd.h>

#include <cerrno>
#include <string>

using test_matchers::Contains;
using taplaunch::DefinitionError;
using taplaunch_test::ErrnoClobber;
using taplaunch_test::TempDir;

// Every error that carries an errno saves it before anything else runs: building the message
// allocates, and an allocation may change errno.

TEST_CASE("a profile that cannot be opened names its own error, whatever allocations do to errno")
{
    const TempDir dir;
    const std::string path = (dir.path() / "missing.ini").string();
    std::string message;
    {
        const ErrnoClobber clobber;
        try {
            taplaunch::read_profile_text(path);
        } catch (const DefinitionError& error) {
            message = error.what();
        }
    }
    CHECK_THAT(message, Contains("No such file or directory"));
    CHECK_THAT(message, !Contains("Numerical argument out of domain"));
}

TEST_CASE("UniqueFd keeps errno when it closes, so closing on an error path hides no error")
{
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    ::close(pipe_fds[1]);
    taplaunch::UniqueFd fd(pipe_fds[0]);
    ::close(pipe_fds[0]);  // the owner's close now fails with EBADF
    errno = ENOENT;
    fd.reset();
    CHECK(errno == ENOENT);
    CHECK(!fd.valid());
}
