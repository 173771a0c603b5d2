#include "definition/profile_file.hpp"
#include "host/definition_files.hpp"
#include "launch_error.hpp"
#include "temp_dir.hpp"

#include "catch_compat.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <string>

using test_matchers::Contains;
using taplaunch::DefinitionError;
using taplaunch::read_bridge_acl_file;
using taplaunch::read_profile_text;
using taplaunch_test::TempDir;

namespace {

template <typename Read>
std::string error_of(Read&& read)
{
    try {
        read();
    } catch (const DefinitionError& error) {
        return error.what();
    }
    FAIL("no DefinitionError");
    return {};
}

}  // namespace

TEST_CASE("read_profile_text reads a profile whole")
{
    const TempDir dir;
    const std::string text = "name = web1\nnic = bridge=br0\n";
    CHECK(read_profile_text(dir.write("web.ini", text)) == text);
    CHECK(read_profile_text(dir.write("empty.ini", "")).empty());
}

TEST_CASE("read_profile_text reads a profile from a pipe, as --profile <(...) gives it")
{
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    const std::string text = "emulator = linux\n";
    REQUIRE(::write(pipe_fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(pipe_fds[1]);
    CHECK(read_profile_text("/proc/self/fd/" + std::to_string(pipe_fds[0])) == text);
    ::close(pipe_fds[0]);
}

TEST_CASE("read_profile_text names the file, the error and the fix")
{
    const TempDir dir;
    const std::string missing = (dir.path() / "missing.ini").string();
    const std::string message = error_of([&] { read_profile_text(missing); });
    CHECK_THAT(message, Contains("cannot read profile '" + missing + "'") &&
                            Contains("No such file") && Contains("--profile"));

    const std::string directory = dir.path().string();
    CHECK_THAT(error_of([&] { read_profile_text(directory); }),
               Contains("'" + directory + "'") && Contains("Is a directory") &&
                   Contains("give --profile a file"));

    const std::string large = dir.write("large.ini", std::string(taplaunch::max_profile_bytes + 1, '#'));
    CHECK_THAT(error_of([&] { read_profile_text(large); }),
               Contains("'" + large + "' is larger than"));
}

TEST_CASE("read_bridge_acl_file: a missing file is no ACL, a file others may change is refused")
{
    const TempDir dir;
    CHECK_FALSE(read_bridge_acl_file((dir.path() / "missing.conf").string()).has_value());

    const std::string directory = dir.path().string();
    CHECK_THAT(error_of([&] { read_bridge_acl_file(directory); }), Contains("is not a regular file"));

    const std::string fifo = (dir.path() / "fifo").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    CHECK_THAT(error_of([&] { read_bridge_acl_file(fifo); }), Contains("is not a regular file"));

    const std::string writable = dir.write("bridge.conf", "allow br0\n");
    REQUIRE(::chmod(writable.c_str(), 0646) == 0);
    CHECK_THAT(error_of([&] { read_bridge_acl_file(writable); }),
               Contains("may be changed by someone other than root"));
}

TEST_CASE("read_bridge_acl_file reads root's file with its group")
{
    if (::geteuid() != 0) {
        WARN("not root: an ACL file of root's cannot be made here");
        return;
    }
    const TempDir dir;
    const std::string path = dir.write("bridge.conf", "allow br0\n");
    REQUIRE(::chown(path.c_str(), 0, 0) == 0);
    REQUIRE(::chmod(path.c_str(), 0644) == 0);
    const auto contents = read_bridge_acl_file(path);
    REQUIRE(contents.has_value());
    CHECK(contents->text == "allow br0\n");
    CHECK(contents->group == 0u);
}
