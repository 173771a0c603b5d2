#include "definition/command_line.hpp"
#include "definition/profile_file.hpp"
#include "launch_error.hpp"
#include "profile_texts.hpp"

#include "catch_compat.hpp"

#include <string>
#include <vector>

using test_matchers::Contains;
using taplaunch::DefinitionError;
using taplaunch::GuestDefinition;
using taplaunch::ProfileFile;
using taplaunch::parse_profile;
using taplaunch_test::ProfileTexts;

namespace {

using Words = std::vector<std::string>;

ProfileFile read_profile(const ProfileTexts& dir, const std::string& path)
{
    return parse_profile(path, dir.reader()(path));
}

std::string profile_error(const ProfileTexts& dir, const std::string& path)
{
    try {
        read_profile(dir, path);
    } catch (const DefinitionError& error) {
        return error.what();
    }
    FAIL("parse_profile accepted '" << path << "'");
    return {};
}

// The guest a profile defines, read the way `taplaunch --profile FILE` reads it.
GuestDefinition guest_of(const ProfileTexts& dir, const std::string& path)
{
    return taplaunch::parse_command_line({"--profile", path}, dir.reader()).guest;
}

// The error `taplaunch --profile FILE` gives for a profile whose lines lex but whose values
// are wrong.
std::string guest_error(const ProfileTexts& dir, const std::string& path)
{
    try {
        guest_of(dir, path);
    } catch (const DefinitionError& error) {
        return error.what();
    }
    FAIL("the profile '" << path << "' was accepted");
    return {};
}

Words args_of(const ProfileTexts& dir, const std::string& args_line)
{
    const ProfileFile profile = read_profile(dir, dir.write("args.ini", "args = " + args_line + "\n"));
    REQUIRE(profile.entries.size() == 1);
    return profile.entries.front().words;
}

}  // namespace

TEST_CASE("parse_profile reads every key, with its line")
{
    const ProfileTexts dir;
    const ProfileFile profile = read_profile(dir, dir.write("web.ini",
                                                            "# a guest\n"
                                                            "name = web1\n"
                                                            "\n"
                                                            "nic = bridge=br0,model=e1000\n"));
    CHECK(profile.stem == "web");
    REQUIRE(profile.entries.size() == 2);
    CHECK(profile.entries[0].key == "name");
    CHECK(profile.entries[0].words == Words{"web1"});
    CHECK(profile.entries[0].line == 2);
    CHECK(profile.entries[1].key == "nic");
    CHECK(profile.entries[1].line == 4);
    CHECK(profile.where(4) == "profile '" + std::string("/profiles/web.ini") + "' line 4");
}

TEST_CASE("a profile sets every guest setting")
{
    const ProfileTexts dir;
    const GuestDefinition guest = guest_of(dir, dir.write("web.ini",
                                                     "name = web1\n"
                                                     "emulator = qemu-system-x86_64\n"
                                                     "emulator-kind = qemu\n"
                                                     "args = -m 512 -nographic\n"
                                                     "nic = bridge=br0,model=e1000\n"
                                                     "uml-transport = fd\n"
                                                     "uml-xstate-adapter = off\n"
                                                     "supervise = true\n"
                                                     "owner = alice\n"));
    CHECK(guest.name == "web1");
    CHECK(guest.emulator == "qemu-system-x86_64");
    CHECK(guest.emulator_kind == taplaunch::EmulatorKind::qemu);
    CHECK(guest.emulator_args == Words{"-m", "512", "-nographic"});
    REQUIRE(guest.nics.size() == 1);
    CHECK(guest.nics[0].model == "e1000");
    CHECK(guest.uml_transport == taplaunch::UmlTransport::fd);
    CHECK(guest.uml_xstate_adapter == taplaunch::UmlXstateAdapter::off);
    CHECK(guest.supervise);
    CHECK(guest.owner == "alice");
}

TEST_CASE("parse_profile skips comments and blank lines")
{
    const ProfileTexts dir;
    const ProfileFile profile = read_profile(dir, dir.write("empty.ini", "# nothing\n\n   # indented\n"));
    CHECK(profile.stem == "empty");
    CHECK(profile.entries.empty());
}

TEST_CASE("a profile's supervise takes the boolean spellings")
{
    const auto [value, expected] = GENERATE(table<const char*, bool>({
        {"true", true}, {"yes", true}, {"on", true}, {"1", true},
        {"false", false}, {"no", false}, {"off", false}, {"0", false},
    }));
    const ProfileTexts dir;
    INFO(value);
    CHECK(guest_of(dir, dir.write("p.ini", std::string("emulator = linux\nsupervise = ") + value + "\n"))
              .supervise == expected);
}

TEST_CASE("a profile's bad supervise value names the file, the line and the fix")
{
    const ProfileTexts dir;
    const std::string path = dir.write("p.ini", "name = a\nsupervise = maybe\n");
    const std::string message = guest_error(dir, path);
    CHECK_THAT(message, Contains(path) && Contains("line 2") && Contains("supervise") &&
                            Contains("'maybe'") && Contains("true or false"));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("every error from a profile's value names the file and the line")
{
    const auto [contents, line, problem] = GENERATE(table<const char*, const char*, const char*>({
        {"emulator = linux\nnic = bridge=br0,mac=01:02\n", "line 2", "malformed mac"},
        {"emulator = linux\n\nnic = bridge=br0\nnic = mtu=9000\n", "line 4", "no bridge"},
        {"emulator-kind = xen\n", "line 1", "not one of qemu, uml"},
        {"emulator = linux\numl-transport = vde\n", "line 2", "not one of tap"},
        {"emulator = linux\numl-xstate-adapter = maybe\n", "line 2", "not one of auto, on, off"},
        {"emulator = linux\nname = two words\n", "line 2", "has 2 words"},
        {"emulator = linux\nowner =\n", "line 2", "has no value"},
        {"emulator = linux\nname = \"x y\"\n", "line 2", "not 1 to 64"},
    }));
    const ProfileTexts dir;
    const std::string path = dir.write("p.ini", contents);
    const std::string message = guest_error(dir, path);
    INFO(contents);
    CHECK_THAT(message, Contains("profile '" + path + "' " + line) && Contains(problem));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("a profile keeps repeated nic and args lines in order")
{
    const ProfileTexts dir;
    const GuestDefinition guest = guest_of(dir, dir.write("p.ini",
                                                     "nic = bridge=br1\n"
                                                     "args = -m 1G\n"
                                                     "emulator = qemu-system-x86_64\n"
                                                     "nic = bridge=br0,mtu=9000\n"
                                                     "args = -smp 2\n"
                                                     "nic=bridge=br2\n"));
    REQUIRE(guest.nics.size() == 3);
    CHECK(guest.nics[0].bridge == "br1");
    CHECK(guest.nics[1].bridge == "br0");
    CHECK(guest.nics[1].mtu == 9000u);
    CHECK(guest.nics[2].bridge == "br2");
    CHECK(guest.emulator_args == Words{"-m", "1G", "-smp", "2"});
}

TEST_CASE("parse_profile splits a value as a POSIX shell splits words")
{
    const auto [line, words] = GENERATE(table<const char*, Words>({
        {"-m   512\t-nographic", {"-m", "512", "-nographic"}},
        {"-append \"console=ttyS0 root=/dev/vda\"", {"-append", "console=ttyS0 root=/dev/vda"}},
        {"-append 'console=ttyS0 quiet'", {"-append", "console=ttyS0 quiet"}},
        {"-name vm\" one\"x", {"-name", "vm onex"}},
        {"-drive file=/images/my\\ disk.img", {"-drive", "file=/images/my disk.img"}},
        // sh: -append "it's here" is two words, the second with an apostrophe.
        {"-append \"it's here\"", {"-append", "it's here"}},
        {"-append 'say \"hi\"'", {"-append", "say \"hi\""}},
        // sh: inside double quotes \" is a quote and # is literal.
        {"-append \"say \\\"hi\\\" # x\"", {"-append", "say \"hi\" # x"}},
        {"-append \"\" -m 1", {"-append", "", "-m", "1"}},
        {"-append 'a\\b'", {"-append", "a\\b"}},
        {"-append \"a#b\" -m 1", {"-append", "a#b", "-m", "1"}},
        {"-m 1 # the rest is a comment", {"-m", "1"}},
        {"-m 1 a#b", {"-m", "1", "a#b"}},
        {"-m 1 \\# x", {"-m", "1", "#", "x"}},
    }));
    const ProfileTexts dir;
    INFO(line);
    CHECK(args_of(dir, line) == words);
}

TEST_CASE("a profile's nic value may end in a comment")
{
    const ProfileTexts dir;
    const GuestDefinition guest =
        guest_of(dir, dir.write("p.ini", "emulator = linux\nnic = bridge=br0   # the LAN\n"));
    REQUIRE(guest.nics.size() == 1);
    CHECK(guest.nics[0].bridge == "br0");
}

TEST_CASE("parse_profile rejects what it cannot read, naming the file, the line and the fix")
{
    const auto [contents, expected] = GENERATE(table<const char*, Words>({
        {"name = a\nargs = -append \"console=ttyS0\n", {"line 2", "args", "unterminated double quote"}},
        {"args = -m 512\nname = a\nargs = -append trailing\\\n", {"line 3", "args", "trailing backslash"}},
        {"# comment\nname = a\n\nmemory = 512\n", {"line 4", "unknown key 'memory'", "known keys"}},
        {"name = a\n  cpus=2\n", {"line 2", "unknown key 'cpus'"}},
        {"name = a\nname = b\n", {"line 2", "'name'", "more than once", "line 1"}},
        {"# guest\nname = a\nemulator = linux\nname = b\n", {"line 4", "more than once"}},
        {"[guest]\nname = a\n", {"line 1", "sections", "'[guest]'", "key = value"}},
        {"name = a\njust words\n", {"line 2", "key = value"}},
    }));
    const ProfileTexts dir;
    const std::string path = dir.write("p.ini", contents);
    const std::string message = profile_error(dir, path);
    INFO(contents);
    CHECK_THAT(message, Contains("profile '" + path + "'"));
    for (const std::string& part : expected) {
        CHECK_THAT(message, Contains(part));
    }
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("parse_profile takes the stem without directory and extension")
{
    const auto [file, stem] = GENERATE(table<const char*, const char*>({
        {"db-2.profile", "db-2"}, {"plain", "plain"}, {"a.b.ini", "a.b"},
    }));
    const ProfileTexts dir;
    CHECK(read_profile(dir, dir.write(file, "")).stem == stem);
}

TEST_CASE("parse_profile trims white space around keys and values")
{
    const ProfileTexts dir;
    const GuestDefinition guest =
        guest_of(dir, dir.write("p.ini", "  name   =   spaced  \nemulator=linux\n"));
    CHECK(guest.name == "spaced");
    CHECK(guest.emulator == "linux");
}
