#include "definition/profile_file.hpp"
#include "launch_error.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using Catch::Matchers::Contains;
using taplaunch::DefinitionError;
using taplaunch::ProfileFile;
using taplaunch::read_profile_file;
using taplaunch_test::TempDir;

namespace {

std::string profile_error(const std::string& path)
{
    try {
        read_profile_file(path);
    } catch (const DefinitionError& error) {
        return error.what();
    }
    FAIL("read_profile_file accepted '" << path << "'");
    return {};
}

using Words = std::vector<std::string>;

Words args_of(const TempDir& dir, const std::string& args_line)
{
    return read_profile_file(dir.write("args.ini", "args = " + args_line + "\n")).args;
}

}  // namespace

TEST_CASE("read_profile_file reads every key")
{
    const TempDir dir;
    const std::string path = dir.write("web.ini",
                                       "# a guest\n"
                                       "name = web1\n"
                                       "emulator = qemu-system-x86_64\n"
                                       "emulator-kind = qemu\n"
                                       "args = -m 512 -nographic\n"
                                       "nic = bridge=br0,model=e1000\n"
                                       "uml-transport = fd\n"
                                       "supervise = true\n"
                                       "owner = alice\n");
    const ProfileFile profile = read_profile_file(path);
    CHECK(profile.stem == "web");
    CHECK(profile.name == "web1");
    CHECK(profile.emulator == "qemu-system-x86_64");
    CHECK(profile.emulator_kind == "qemu");
    CHECK(profile.args == Words{"-m", "512", "-nographic"});
    CHECK(profile.nics == Words{"bridge=br0,model=e1000"});
    CHECK(profile.uml_transport == "fd");
    CHECK(profile.supervise == true);
    CHECK(profile.owner == "alice");
}

TEST_CASE("read_profile_file leaves unset keys empty")
{
    const TempDir dir;
    const ProfileFile profile = read_profile_file(dir.write("empty.ini", "# nothing\n\n"));
    CHECK(profile.stem == "empty");
    CHECK_FALSE(profile.name);
    CHECK_FALSE(profile.emulator);
    CHECK_FALSE(profile.emulator_kind);
    CHECK(profile.args.empty());
    CHECK(profile.nics.empty());
    CHECK_FALSE(profile.uml_transport);
    CHECK_FALSE(profile.supervise);
    CHECK_FALSE(profile.owner);
}

TEST_CASE("read_profile_file rejects a supervise value that is not a boolean")
{
    const TempDir dir;
    const std::string message = profile_error(dir.write("p.ini", "name = a\nsupervise = maybe\n"));
    CHECK_THAT(message, Contains("supervise") && Contains("'maybe'") && Contains("true"));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("read_profile_file names the line of a bad supervise value")
{
    const TempDir dir;
    const std::string message = profile_error(dir.write("p.ini", "name = a\nsupervise = maybe\n"));
    CHECK_THAT(message, Contains("line 2") && Contains("true or false"));
}

TEST_CASE("read_profile_file accepts the boolean spellings for supervise")
{
    const TempDir dir;
    for (const char* value : {"true", "yes", "on", "1"}) {
        INFO(value);
        CHECK(read_profile_file(dir.write("p.ini", std::string("supervise = ") + value + "\n"))
                  .supervise == true);
    }
    for (const char* value : {"false", "no", "off", "0"}) {
        INFO(value);
        CHECK(read_profile_file(dir.write("p.ini", std::string("supervise = ") + value + "\n"))
                  .supervise == false);
    }
}

TEST_CASE("read_profile_file keeps repeated nic lines in order")
{
    const TempDir dir;
    const ProfileFile profile = read_profile_file(dir.write("p.ini",
                                                            "nic = bridge=br1\n"
                                                            "name = x\n"
                                                            "nic = bridge=br0,mtu=9000\n"
                                                            "nic=bridge=br2\n"));
    CHECK(profile.nics == Words{"bridge=br1", "bridge=br0,mtu=9000", "bridge=br2"});
}

TEST_CASE("read_profile_file joins repeated args lines in order")
{
    const TempDir dir;
    const ProfileFile profile = read_profile_file(dir.write("p.ini",
                                                            "args = -m 1G\n"
                                                            "nic = bridge=br0\n"
                                                            "args = -smp 2\n"));
    CHECK(profile.args == Words{"-m", "1G", "-smp", "2"});
}

TEST_CASE("read_profile_file splits args on runs of white space")
{
    const TempDir dir;
    CHECK(args_of(dir, "-m   512\t-nographic") == Words{"-m", "512", "-nographic"});
}

TEST_CASE("read_profile_file keeps double-quoted args together")
{
    const TempDir dir;
    CHECK(args_of(dir, "-append \"console=ttyS0 root=/dev/vda\"") ==
          Words{"-append", "console=ttyS0 root=/dev/vda"});
}

TEST_CASE("read_profile_file keeps single-quoted args together")
{
    const TempDir dir;
    CHECK(args_of(dir, "-append 'console=ttyS0 quiet'") == Words{"-append", "console=ttyS0 quiet"});
}

TEST_CASE("read_profile_file joins quoted and unquoted parts of one word")
{
    const TempDir dir;
    CHECK(args_of(dir, "-name vm\" one\"x") == Words{"-name", "vm onex"});
}

TEST_CASE("read_profile_file honours a backslash-escaped space")
{
    const TempDir dir;
    CHECK(args_of(dir, "-drive file=/images/my\\ disk.img") ==
          Words{"-drive", "file=/images/my disk.img"});
}

TEST_CASE("read_profile_file keeps a single quote inside double quotes")
{
    // sh: -append "it's here" is two words, the second with an apostrophe.
    const TempDir dir;
    CHECK(args_of(dir, "-append \"it's here\"") == Words{"-append", "it's here"});
}

TEST_CASE("read_profile_file keeps a double quote inside single quotes")
{
    const TempDir dir;
    CHECK(args_of(dir, "-append 'say \"hi\"'") == Words{"-append", "say \"hi\""});
}

TEST_CASE("read_profile_file keeps an empty quoted argument")
{
    // sh: -append "" passes an empty second word.
    const TempDir dir;
    CHECK(args_of(dir, "-append \"\" -m 1") == Words{"-append", "", "-m", "1"});
}

TEST_CASE("read_profile_file keeps backslashes inside single quotes")
{
    // sh: backslash is literal between single quotes.
    const TempDir dir;
    CHECK(args_of(dir, "-append 'a\\b'") == Words{"-append", "a\\b"});
}

TEST_CASE("read_profile_file keeps '#' inside a quoted argument")
{
    const TempDir dir;
    CHECK(args_of(dir, "-append \"a#b\" -m 1") == Words{"-append", "a#b", "-m", "1"});
}

TEST_CASE("read_profile_file rejects an unterminated quote")
{
    const TempDir dir;
    const std::string message =
        profile_error(dir.write("p.ini", "name = a\nargs = -append \"console=ttyS0\n"));
    CHECK_THAT(message, Contains("args") && Contains("line 2"));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("read_profile_file rejects an unknown key with its line number")
{
    const TempDir dir;
    const std::string path = dir.write("p.ini",
                                       "# comment\n"
                                       "name = a\n"
                                       "\n"
                                       "memory = 512\n");
    const std::string message = profile_error(path);
    CHECK_THAT(message, Contains("unknown key 'memory'") && Contains("line 4") &&
                            Contains(path) && Contains("known keys"));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("read_profile_file names the line of an indented unknown key")
{
    const TempDir dir;
    const std::string message = profile_error(dir.write("p.ini", "name = a\n  cpus=2\n"));
    CHECK_THAT(message, Contains("unknown key 'cpus'") && Contains("line 2"));
}

TEST_CASE("read_profile_file rejects a scalar key given twice")
{
    const TempDir dir;
    const std::string message = profile_error(dir.write("p.ini", "name = a\nname = b\n"));
    CHECK_THAT(message, Contains("'name'") && Contains("more than once"));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("read_profile_file names the line of a key given twice")
{
    // The line of the second assignment, the one to remove.
    const TempDir dir;
    const std::string message =
        profile_error(dir.write("p.ini", "# guest\nname = a\nemulator = linux\nname = b\n"));
    CHECK_THAT(message, Contains("line 4"));
}

TEST_CASE("read_profile_file names the args line that cannot be split")
{
    // The args line that failed, not the first one.
    const TempDir dir;
    const std::string message = profile_error(
        dir.write("p.ini", "args = -m 512\nname = a\nargs = -append trailing\\\n"));
    CHECK_THAT(message, Contains("cannot split args") && Contains("line 3"));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("read_profile_file rejects keys in an INI section and names them")
{
    const TempDir dir;
    const std::string message = profile_error(dir.write("p.ini", "[guest]\nname = a\n"));
    CHECK_THAT(message, Contains("unknown key 'guest.name'") && Contains("known keys"));
}

TEST_CASE("read_profile_file rejects a line without '='")
{
    const TempDir dir;
    const std::string message = profile_error(dir.write("p.ini", "name = a\njust words\n"));
    CHECK_THAT(message, Contains("key = value"));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("read_profile_file reports a missing file")
{
    const TempDir dir;
    const std::string path = (dir.path() / "missing.ini").string();
    const std::string message = profile_error(path);
    CHECK_THAT(message, Contains("cannot read profile") && Contains(path) &&
                            Contains("No such file") && Contains("--profile"));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("read_profile_file takes the stem without directory and extension")
{
    const TempDir dir;
    CHECK(read_profile_file(dir.write("db-2.profile", "")).stem == "db-2");
    CHECK(read_profile_file(dir.write("plain", "")).stem == "plain");
    CHECK(read_profile_file(dir.write("a.b.ini", "")).stem == "a.b");
}

TEST_CASE("read_profile_file trims white space around values")
{
    const TempDir dir;
    const ProfileFile profile =
        read_profile_file(dir.write("p.ini", "  name   =   spaced  \nemulator=linux\n"));
    CHECK(profile.name == "spaced");
    CHECK(profile.emulator == "linux");
}
