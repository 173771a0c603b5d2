#include "host/program_output.hpp"
#include "host/program_version.hpp"
#include "host/unique_fd.hpp"

#include "catch_compat.hpp"

#include <fcntl.h>
#include <sys/wait.h>

#include <chrono>

using namespace std::chrono_literals;
using taplaunch::read_program_version;
using taplaunch::run_program;

TEST_CASE("run_program: stdout, the first line of stderr and the exit status")
{
    const auto output =
        run_program("/bin/sh", {"-c", "echo one; echo two; echo bad >&2; echo worse >&2; exit 3"}, 5s);
    REQUIRE(output);
    CHECK(output->status == 3);
    CHECK(output->out == "one\ntwo\n");
    CHECK(output->error == "bad");
}

TEST_CASE("run_program: stdin /dev/null, an empty environment, no fd of ours")
{
    // taplaunch opens every fd of its own close-on-exec, as here.
    const taplaunch::UniqueFd ours(::open("/dev/zero", O_RDONLY | O_CLOEXEC));
    REQUIRE(ours.valid());
    const auto output = run_program(
        "/bin/sh", {"-c", "readlink /proc/self/fd/0; env | grep -v '^PWD=' | wc -l; ls -l /proc/self/fd/"}, 5s);
    REQUIRE(output);
    using namespace test_matchers;
    CHECK_THAT(output->out, StartsWith("/dev/null\n0\n"));
    CHECK_THAT(output->out, !Contains("/dev/zero"));
}

TEST_CASE("run_program: killed once it takes longer than the limit")
{
    const auto started = std::chrono::steady_clock::now();
    const auto output = run_program("/bin/sleep", {"10"}, 200ms);
    REQUIRE(output);
    CHECK(output->status == 128 + 9);
    CHECK(std::chrono::steady_clock::now() - started < 5s);
}

TEST_CASE("run_program: a program that cannot be started, and no child left behind")
{
    CHECK_FALSE(run_program("/nonexistent/program", {}, 1s));
    CHECK(::waitpid(-1, nullptr, WNOHANG) < 0);  // ECHILD: the failed child was reaped
}

TEST_CASE("read_program_version: the first line on stdout")
{
    CHECK(read_program_version("/nonexistent/program") == std::nullopt);
    // dash has no --version: it complains on stderr only.
    CHECK(read_program_version("/bin/dash") == std::nullopt);
    const auto version = read_program_version("/bin/ls");
    REQUIRE(version);
    CHECK(version->find("ls") != std::string::npos);
}
