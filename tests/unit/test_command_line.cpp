#include "definition/command_line.hpp"
#include "launch_error.hpp"
#include "profile_texts.hpp"

#include "catch_compat.hpp"

#include <string>
#include <vector>

using test_matchers::Contains;
using taplaunch::CommandLine;
using taplaunch::DefinitionError;
using taplaunch::EmulatorKind;
using taplaunch::parse_command_line;
using taplaunch::UmlTransport;
using taplaunch_test::ProfileTexts;

namespace {

using Words = std::vector<std::string>;

std::string command_error(const Words& args, const taplaunch::ProfileReader& read_profile = {})
{
    try {
        parse_command_line(args, read_profile);
    } catch (const DefinitionError& error) {
        return error.what();
    }
    FAIL("parse_command_line accepted the arguments");
    return {};
}

void check_one_line(const std::string& message)
{
    INFO(message);
    CHECK(message.find('\n') == std::string::npos);
}

// The arguments as one line, for a failing row's report.
std::string joined(const Words& args)
{
    std::string line;
    for (const std::string& arg : args) {
        line += (line.empty() ? "" : " ") + arg;
    }
    return line;
}

// parse_command_line rejects `args` with one line that contains every one of `parts`.
void check_rejected(const Words& args, const Words& parts,
                    const taplaunch::ProfileReader& read_profile = {})
{
    INFO("taplaunch " << joined(args));
    const std::string message = command_error(args, read_profile);
    INFO(message);
    for (const std::string& part : parts) {
        CHECK_THAT(message, Contains(part));
    }
    check_one_line(message);
}

std::vector<std::string> bridges_of(const CommandLine& command)
{
    std::vector<std::string> bridges;
    for (const auto& nic : command.guest.nics) {
        bridges.push_back(nic.bridge);
    }
    return bridges;
}

}  // namespace

TEST_CASE("parse_command_line takes the emulator and its arguments after --")
{
    const CommandLine command =
        parse_command_line({"--nic", "bridge=br0", "--", "qemu-system-x86_64", "-m", "512"});
    CHECK(command.action == CommandLine::Action::run);
    CHECK(command.guest.emulator == "qemu-system-x86_64");
    CHECK(command.guest.emulator_args == Words{"-m", "512"});
    REQUIRE(command.guest.nics.size() == 1);
    CHECK(command.guest.nics[0].bridge == "br0");
    CHECK_FALSE(command.dry_run);
    CHECK_FALSE(command.verbose);
    CHECK_FALSE(command.guest.supervise);
    CHECK_FALSE(command.guest.emulator_kind);
    CHECK_FALSE(command.guest.owner);
    CHECK_FALSE(command.guest.uml_transport_given);
}

TEST_CASE("parse_command_line passes option-like words after -- to the emulator")
{
    const CommandLine command = parse_command_line(
        {"--", "qemu-system-x86_64", "--nic", "x", "--help", "--", "-name", "vm"});
    CHECK(command.guest.emulator == "qemu-system-x86_64");
    CHECK(command.guest.emulator_args == Words{"--nic", "x", "--help", "--", "-name", "vm"});
    CHECK(command.guest.nics.empty());
    CHECK(command.action == CommandLine::Action::run);
}

TEST_CASE("parse_command_line keeps --nic options in order")
{
    const CommandLine command = parse_command_line(
        {"--nic", "bridge=br1", "--nic=bridge=br0", "--nic", "bridge=br2", "--", "linux"});
    CHECK(bridges_of(command) == Words{"br1", "br0", "br2"});
}

TEST_CASE("parse_command_line allows no NIC at all")
{
    CHECK(parse_command_line({"--", "qemu-system-x86_64"}).guest.nics.empty());
}

TEST_CASE("parse_command_line names the guest 'guest' by default, else as --name says")
{
    const auto [args, name] = GENERATE(table<Words, std::string>({
        {{"--", "qemu-system-x86_64"}, "guest"},
        {{"--name", "web-1", "--", "qemu-system-x86_64"}, "web-1"},
        {{"--name", std::string(64, 'a'), "--", "qemu-system-x86_64"}, std::string(64, 'a')},
    }));
    INFO(joined(args));
    CHECK(parse_command_line(args).guest.name == name);
}

TEST_CASE("parse_command_line reads the switches")
{
    const CommandLine command =
        parse_command_line({"--dry-run", "-v", "--supervise", "--", "qemu-system-x86_64"});
    CHECK(command.dry_run);
    CHECK(command.verbose);
    CHECK(command.guest.supervise);
    CHECK(parse_command_line({"--verbose", "--", "linux"}).verbose);
}

TEST_CASE("parse_command_line reads --emulator-kind, --uml-transport and --owner")
{
    const CommandLine command =
        parse_command_line({"--emulator-kind", "uml", "--uml-transport", "tuntap", "--owner",
                            "alice", "--", "./vmlinux-6.1"});
    CHECK(command.guest.emulator_kind == EmulatorKind::uml);
    CHECK(command.guest.uml_transport == UmlTransport::tuntap);
    CHECK(command.guest.uml_transport_given);
    CHECK(command.guest.owner == "alice");
}

TEST_CASE("parse_command_line rejects a bad option value, naming it and the fix")
{
    const auto [args, parts] = GENERATE(table<Words, Words>({
        {{"--name", "", "--", "qemu-system-x86_64"}, {"guest name", "--name"}},
        {{"--name", "a b", "--", "qemu-system-x86_64"}, {"guest name", "--name"}},
        {{"--name", "a/b", "--", "qemu-system-x86_64"}, {"guest name", "--name"}},
        // The message quotes the name; its newline must come out escaped.
        {{"--name", "x\ny", "--", "qemu-system-x86_64"}, {"guest name", "--name"}},
        {{"--name", "web\nrm", "--", "qemu-system-x86_64"}, {"guest name", "--name"}},
        {{"--name", std::string(65, 'a'), "--", "qemu-system-x86_64"}, {"1 to 64"}},
        {{"--emulator-kind", "kvm", "--", "qemu-system-x86_64"}, {"'kvm'", "qemu, uml"}},
        {{"--uml-transport", "vde", "--", "linux"}, {"'vde'", "tuntap"}},
        // A bad --nic gets the spec's own message.
        {{"--nic", "bridge=br0,mtu=10", "--", "qemu-system-x86_64"}, {"mtu 10 is out of range"}},
    }));
    check_rejected(args, parts);
}

TEST_CASE("parse_command_line rejects what is no taplaunch command line, pointing at the fix")
{
    const auto [args, parts] = GENERATE(table<Words, Words>({
        {{"--frobnicate", "--", "qemu-system-x86_64"}, {"unknown option", "frobnicate", "--help"}},
        {{"--name"}, {"name", "--help"}},  // an option without its value
        {{"--name", "a", "--name", "b", "--", "qemu-system-x86_64"}, {"name"}},  // given twice
        // A positional word before --.
        {{"qemu-system-x86_64"}, {"unexpected argument 'qemu-system-x86_64'", "after --"}},
        {{"--nic", "bridge=br0", "qemu-system-x86_64"},
         {"unexpected argument 'qemu-system-x86_64'", "after --"}},
        {{"qemu-system-x86_64", "--", "-m", "512"},
         {"unexpected argument 'qemu-system-x86_64'", "after --"}},
        // "taplaunch --nic bridge=br0 qemu-system-x86_64 -m 512" forgot the --; the message
        // should say so rather than call -m an unknown taplaunch option.
        {{"--nic", "bridge=br0", "qemu-system-x86_64", "-m", "512"}, {"after --"}},
        // No emulator.
        {{}, {"no emulator", "after --", "emulator="}},
        {{"--nic", "bridge=br0"}, {"no emulator", "after --", "emulator="}},
        {{"--"}, {"no emulator", "after --", "emulator="}},
        {{"--nic", "bridge=br0", "--"}, {"no emulator", "after --", "emulator="}},
    }));
    check_rejected(args, parts);
}

TEST_CASE("parse_command_line returns the help and version actions")
{
    const auto [args, action] = GENERATE(table<Words, CommandLine::Action>({
        {{"--help"}, CommandLine::Action::help},
        {{"-h"}, CommandLine::Action::help},
        // --help needs no emulator and ignores bad NICs.
        {{"--nic", "nonsense", "--help"}, CommandLine::Action::help},
        {{"--version"}, CommandLine::Action::version},
    }));
    INFO(joined(args));
    const CommandLine command = parse_command_line(args);
    CHECK(command.action == action);
    if (action == CommandLine::Action::help) {
        CHECK_THAT(command.help_text, Contains("Usage: taplaunch") && Contains("--nic") &&
                                          Contains("vnet_hdr"));
    }
}

TEST_CASE("parse_command_line --help still rejects unknown options")
{
    CHECK_THROWS_AS(parse_command_line({"--help", "--bogus"}), DefinitionError);
}

TEST_CASE("parse_command_line takes everything from a profile")
{
    const ProfileTexts dir;
    const std::string profile = dir.write("web.ini",
                                          "name = web1\n"
                                          "emulator = qemu-system-x86_64\n"
                                          "args = -m 512\n"
                                          "nic = bridge=br0\n"
                                          "emulator-kind = qemu\n"
                                          "supervise = true\n");
    const CommandLine command = parse_command_line({"--profile", profile}, dir.reader());
    CHECK(command.guest.name == "web1");
    CHECK(command.guest.emulator == "qemu-system-x86_64");
    CHECK(command.guest.emulator_args == Words{"-m", "512"});
    CHECK(bridges_of(command) == Words{"br0"});
    CHECK(command.guest.emulator_kind == EmulatorKind::qemu);
    CHECK(command.guest.supervise);
}

TEST_CASE("parse_command_line names the guest after the profile's stem")
{
    const ProfileTexts dir;
    const std::string profile = dir.write("db-2.ini", "emulator = qemu-system-x86_64\n");
    CHECK(parse_command_line({"--profile", profile}, dir.reader()).guest.name == "db-2");
}

TEST_CASE("parse_command_line --name overrides the profile's name")
{
    const ProfileTexts dir;
    const std::string profile =
        dir.write("web.ini", "name = web1\nemulator = qemu-system-x86_64\n");
    CHECK(parse_command_line({"--profile", profile, "--name", "web2"}, dir.reader()).guest.name == "web2");
    CHECK(parse_command_line({"--name", "web3", "--profile", profile}, dir.reader()).guest.name == "web3");
}

TEST_CASE("parse_command_line appends --nic after the profile's NICs")
{
    const ProfileTexts dir;
    const std::string profile = dir.write("p.ini",
                                          "emulator = qemu-system-x86_64\n"
                                          "nic = bridge=br0\n"
                                          "nic = bridge=br1\n");
    const CommandLine command =
        parse_command_line({"--nic", "bridge=br9", "--profile", profile, "--nic", "bridge=br8"}, dir.reader());
    CHECK(bridges_of(command) == Words{"br0", "br1", "br9", "br8"});
}

TEST_CASE("parse_command_line appends words after -- to the profile's args")
{
    const ProfileTexts dir;
    const std::string profile =
        dir.write("p.ini", "emulator = qemu-system-x86_64\nargs = -m 512\n");
    const CommandLine command =
        parse_command_line({"--profile", profile, "--", "-snapshot", "-name", "x y"}, dir.reader());
    CHECK(command.guest.emulator == "qemu-system-x86_64");
    CHECK(command.guest.emulator_args == Words{"-m", "512", "-snapshot", "-name", "x y"});
}

TEST_CASE("parse_command_line takes the emulator after -- when the profile names none")
{
    const ProfileTexts dir;
    const std::string profile = dir.write("p.ini", "args = mem=256M\nnic = bridge=br0\n");
    const CommandLine command =
        parse_command_line({"--profile", profile, "--", "./linux", "ubd0=root.img"}, dir.reader());
    CHECK(command.guest.emulator == "./linux");
    CHECK(command.guest.emulator_args == Words{"mem=256M", "ubd0=root.img"});
}

TEST_CASE("parse_command_line --emulator-kind overrides the profile's")
{
    const ProfileTexts dir;
    const std::string profile = dir.write("p.ini", "emulator = ./kernel\nemulator-kind = qemu\n");
    CHECK(parse_command_line({"--profile", profile, "--emulator-kind", "uml"}, dir.reader())
              .guest.emulator_kind == EmulatorKind::uml);
}

TEST_CASE("parse_command_line --uml-transport and --owner override the profile's")
{
    const ProfileTexts dir;
    const std::string profile =
        dir.write("p.ini", "emulator = linux\numl-transport = tuntap\nowner = alice\n");
    const CommandLine from_profile = parse_command_line({"--profile", profile}, dir.reader());
    CHECK(from_profile.guest.uml_transport == UmlTransport::tuntap);
    CHECK(from_profile.guest.uml_transport_given);
    CHECK(from_profile.guest.owner == "alice");
    const CommandLine overridden =
        parse_command_line({"--profile", profile, "--uml-transport", "fd", "--owner", "bob"}, dir.reader());
    CHECK(overridden.guest.uml_transport == UmlTransport::fd);
    CHECK(overridden.guest.owner == "bob");
}

TEST_CASE("parse_command_line --supervise adds to a profile's supervise = false")
{
    const ProfileTexts dir;
    const std::string profile = dir.write("p.ini", "emulator = linux\nsupervise = false\n");
    CHECK_FALSE(parse_command_line({"--profile", profile}, dir.reader()).guest.supervise);
    CHECK(parse_command_line({"--profile", profile, "--supervise"}, dir.reader()).guest.supervise);
}

TEST_CASE("parse_command_line rejects a profile that defines no valid guest")
{
    // A row without contents names a profile that does not exist.
    const auto [file, contents, args, parts] =
        GENERATE(table<const char*, const char*, Words, Words>({
            {"p.ini", "nic = bridge=br0\n", {}, {"no emulator"}},
            {"p.ini", "nic = bridge=br0\n", {"--"}, {"no emulator"}},
            {"p.ini", "emulator = qemu-system-x86_64\nnic = bridge=br0,speed=10\n", {},
             {"unknown key 'speed'"}},
            {"my guest.ini", "emulator = qemu-system-x86_64\n", {}, {"guest name 'my guest'"}},
            {"nope.ini", nullptr, {"--", "qemu-system-x86_64"}, {"cannot read profile"}},
        }));
    const ProfileTexts dir;
    const std::string profile =
        contents ? dir.write(file, contents) : "/profiles/" + std::string(file);
    Words command{"--profile", profile};
    command.insert(command.end(), args.begin(), args.end());
    INFO(file << ": " << (contents ? contents : "(missing)"));
    check_rejected(command, parts, dir.reader());
}

TEST_CASE("parse_command_line takes --name for a profile whose stem is no guest name")
{
    const ProfileTexts dir;
    const std::string profile = dir.write("my guest.ini", "emulator = qemu-system-x86_64\n");
    CHECK(parse_command_line({"--profile", profile, "--name", "ok"}, dir.reader()).guest.name == "ok");
}
