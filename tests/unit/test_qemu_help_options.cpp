// Reading QEMU's -help (the options of the QEMU that will run) and planning with it. The help
// texts in data/qemu-help/ were printed by Debian's qemu-system-x86_64 7.2, 10.0 and 11.1;
// each file's first line names its package and version.

#include "emulators/qemu_help_options.hpp"
#include "emulators/qemu_network_scan.hpp"
#include "emulators/qemu_option_set.hpp"
#include "emulators/qemu_option_table.hpp"
#include "fake_host_facts.hpp"
#include "launch_error.hpp"
#include "plan/dry_run.hpp"
#include "plan/launch_plan.hpp"
#include "plan/qemu_option_source.hpp"

#include "catch_compat.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using taplaunch::QemuHelpOptions;
using taplaunch::QemuOptionSet;
using test_matchers::Contains;

namespace {

QemuHelpOptions help_of(const std::string& file)
{
    std::ifstream in(std::string(TAPLAUNCH_TEST_DATA_DIR) + "/qemu-help/" + file);
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    return taplaunch::parse_qemu_help(text.str());
}

// The lines of the DefinitionProblems (or DefinitionError) `scan` throws; empty if none.
template <typename Scan>
std::vector<std::string> problems_of(Scan&& scan)
{
    try {
        scan();
    } catch (const taplaunch::DefinitionProblems& problems) {
        return problems.lines();
    } catch (const taplaunch::DefinitionError& error) {
        return {error.what()};
    }
    return {};
}

}  // namespace

TEST_CASE("QEMU 7.2's, 10.0's and 11.1's -help agree with the checked table wherever both know an option")
{
    const char* file = GENERATE("qemu-7.2.txt", "qemu-10.0.txt", "qemu-11.1.txt");
    INFO(file);
    const QemuHelpOptions help = help_of(file);
    CHECK(help.takes_value.size() > 100);
    std::size_t both = 0;
    for (const std::string_view name : taplaunch::qemu_table_option_names()) {
        const auto listed = help.takes_value.find(name);
        if (listed != help.takes_value.end()) {
            INFO(name);
            CHECK(listed->second == taplaunch::qemu_option_takes_value(name));
            ++both;
        }
    }
    CHECK(both > 90);
}

TEST_CASE("QEMU 7.2's -help lists every option of the table but those it never lists or are for other targets")
{
    const QemuHelpOptions help = help_of("qemu-7.2.txt");
    CHECK(help.version == "7.2.22");
    std::vector<std::string_view> unlisted;
    for (const std::string_view name : taplaunch::qemu_table_option_names()) {
        if (!help.takes_value.contains(name)) {
            unlisted.push_back(name);
        }
    }
    // -M, -qtest and -qtest-log have no help text; -g, -prom-env, -semihosting,
    // -semihosting-config and -old-param are for other targets ("Option not supported for
    // this target" on x86).
    CHECK(unlisted == std::vector<std::string_view>{"M", "g", "prom-env", "semihosting",
                                                    "semihosting-config", "old-param", "qtest",
                                                    "qtest-log"});
    for (const std::string_view name : {"M", "qtest", "qtest-log"}) {
        CHECK(taplaunch::qemu_option_hidden_from_help(name));
    }
    for (const auto& [name, takes_value] : help.takes_value) {
        INFO(name);
        CHECK(taplaunch::qemu_option_takes_value(name).has_value());
    }
}

TEST_CASE("QEMU 10.0 and 11.1 have -run-with and more, and no longer -runas, -chroot, -no-hpet and others")
{
    const auto [file, version] = GENERATE(table<const char*, const char*>({
        {"qemu-10.0.txt", "10.0.13"},
        {"qemu-11.1.txt", "11.1.3"},
    }));
    INFO(file);
    const QemuHelpOptions help = help_of(file);
    CHECK(help.version == version);
    CHECK(help.takes_value.at("run-with"));
    CHECK(help.takes_value.at("shim"));
    CHECK_FALSE(help.takes_value.at("perfmap"));
    CHECK_FALSE(help.takes_value.at("jitdump"));
    for (const char* gone : {"runas", "chroot", "no-hpet", "no-acpi", "async-teardown",
                             "singlestep", "portrait", "rotate", "audio-help"}) {
        INFO(gone);
        CHECK_FALSE(help.takes_value.contains(std::string_view(gone)));
    }
    CHECK(QemuOptionSet::from_help("/usr/bin/qemu-system-x86_64", help).takes_value("M") == true);
}

TEST_CASE("parse_qemu_help reads the value from the layout of each option's first line")
{
    const QemuHelpOptions help = taplaunch::parse_qemu_help(
        "QEMU emulator version 12.0.0 (Debian 1:12.0.0+ds-1)\n"
        "usage: qemu-system-x86_64 [options] [disk_image]\n"
        "\n"
        "-h or -help     display this help and exit\n"
        "-machine [type=]name[,prop[=value][,...]]\n"
        "                selects emulated machine ('-machine help' for list)\n"
        "-M              as -machine\n"
        "-fda/-fdb file  use 'file' as floppy disk 0/1 image\n"
        "-usb            enable on-board USB host controller\n"
        "-dtb    file    use 'file' as device tree image\n"
        "-async-teardown enable asynchronous teardown\n"
        "-qmp-pretty dev like -qmp but uses pretty JSON formatting\n"
        "-watchdog-action reset|shutdown|poweroff|inject-nmi|pause|debug|none\n"
        "-xen-domid-restrict     restrict set of available xen operations\n"
        "--preconfig     pause QEMU before machine is initialized (experimental)\n"
        "-no-user-config\n"
        "-new-thing x\n"
        "-  not an option\n"
        "Note: -cpu help lists the models\n");
    CHECK(help.version == "12.0.0");
    const std::map<std::string, bool, std::less<>> expected{
        {"h", false},          {"help", false},           {"machine", true},
        {"M", true},           {"fda", true},             {"fdb", true},
        {"usb", false},        {"dtb", true},             {"async-teardown", false},
        {"qmp-pretty", true},  {"watchdog-action", true}, {"xen-domid-restrict", false},
        {"preconfig", false},  {"no-user-config", false}, {"new-thing", true},
    };
    CHECK(help.takes_value == expected);
    CHECK(taplaunch::parse_qemu_help("not QEMU\n").takes_value.empty());
}

TEST_CASE("QemuOptionSet reads with the binary's options, and the table where it has no binary")
{
    const QemuOptionSet table = QemuOptionSet::table();
    CHECK(table.takes_value("runas") == true);
    CHECK_FALSE(table.takes_value("run-with"));
    CHECK_FALSE(table.from_binary());

    const QemuOptionSet qemu_10 =
        QemuOptionSet::from_help("/usr/bin/qemu-system-x86_64", help_of("qemu-10.0.txt"));
    CHECK(qemu_10.from_binary());
    CHECK(qemu_10.qemu_version() == "10.0.13");
    CHECK(qemu_10.takes_value("run-with") == true);
    CHECK(qemu_10.takes_value("netdev") == true);
    CHECK(qemu_10.takes_value("M") == true);  // never listed before 11, still there
    CHECK_FALSE(qemu_10.takes_value("runas"));
    CHECK_FALSE(qemu_10.takes_value("g"));  // SPARC's and PowerPC's
    CHECK(qemu_10.source() == "/usr/bin/qemu-system-x86_64 -help (QEMU 10.0.13)");
    CHECK_THAT(qemu_10.unknown_option_problem(),
               Contains("not an option of QEMU 10.0.13 (/usr/bin/qemu-system-x86_64 -help does not list it)"));
    CHECK(qemu_10.unknown_option_fix("runas") ==
          "use -run-with user=USER instead, or run a QEMU that has -runas");
    CHECK(qemu_10.unknown_option_fix("frobnicate") == "remove it, or run a QEMU that has it");
}

TEST_CASE("the scan reads -run-with on QEMU 10 and refuses each option that QEMU lacks")
{
    const QemuOptionSet qemu_10 =
        QemuOptionSet::from_help("/usr/bin/qemu-system-x86_64", help_of("qemu-10.0.txt"));
    const std::vector<std::string> run_with{"-run-with", "user=nobody", "-nic",
                                            "bridge,br=br0,model=virtio-net-pci", "-m", "256"};
    const auto scan = taplaunch::scan_qemu_arguments(run_with, qemu_10);
    REQUIRE(scan.bridge_nics.size() == 1);
    CHECK(scan.bridge_nics[0].backend_index == 2);
    // The table cannot tell whether "user=nobody" is -run-with's value.
    CHECK_THAT(problems_of([&] { taplaunch::scan_qemu_arguments(run_with); }).at(0),
               Contains("QEMU argument 1 (-run-with): not an option of QEMU 7.2"));

    const auto lines = problems_of([&] {
        taplaunch::scan_qemu_arguments({"-no-hpet", "-runas", "nobody", "-m", "256"}, qemu_10);
    });
    REQUIRE(lines.size() == 2);
    CHECK_THAT(lines[0], Contains("QEMU argument 1 (-no-hpet): not an option of QEMU 10.0.13"));
    CHECK_THAT(lines[0], Contains("use -machine hpet=off instead"));
    CHECK_THAT(lines[1], Contains("QEMU argument 2 (-runas): not an option of QEMU 10.0.13"));
    CHECK_THAT(lines[1], Contains("use -run-with user=USER instead"));

    const QemuOptionSet qemu_7_2 =
        QemuOptionSet::from_help("/usr/bin/qemu-system-x86_64", help_of("qemu-7.2.txt"));
    const auto on_7_2 = problems_of([&] {
        taplaunch::scan_qemu_arguments({"-run-with", "user=nobody", "-nic", "bridge"}, qemu_7_2);
    });
    REQUIRE(on_7_2.size() == 1);
    CHECK_THAT(on_7_2[0], Contains("not an option of QEMU 7.2.22"));
    CHECK_THAT(on_7_2[0], Contains("use -runas USER and -chroot DIR instead"));
    CHECK(problems_of([&] {
              taplaunch::scan_qemu_arguments({"-runas", "nobody", "-nic", "bridge"}, qemu_7_2);
          }).empty());
}

TEST_CASE("planning asks the QEMU binary only when the table does not know an option, or for --dry-run")
{
    taplaunch_test::FakeHostFacts host;
    host.add_link("br0", "bridge");
    host.qemu_help["/usr/bin/qemu-system-x86_64"] = help_of("qemu-10.0.txt");
    taplaunch::GuestDefinition guest;
    guest.emulator = "qemu-system-x86_64";

    SECTION("every option known: not asked")
    {
        guest.emulator_args = {"-m", "256", "-nic", "bridge,br=br0"};
        const auto plan = taplaunch::make_launch_plan(guest, host);
        CHECK(host.qemu_help_queries == 0);
        CHECK_FALSE(plan.qemu_options.from_binary());
        CHECK(plan.taps.size() == 1);
        CHECK(format_dry_run(plan).find("QEMU options") == std::string::npos);
    }
    SECTION("an option the table does not know: asked, and read with the binary's options")
    {
        guest.emulator_args = {"-run-with", "user=nobody", "-nic", "bridge,br=br0"};
        const auto plan = taplaunch::make_launch_plan(guest, host);
        CHECK(host.qemu_help_queries == 1);
        CHECK(plan.taps.size() == 1);
        CHECK(plan.argv.at(1) == "-run-with");
    }
    SECTION("--dry-run asks, and lists each option that QEMU no longer has")
    {
        guest.emulator_args = {"-no-hpet", "-nic", "bridge,br=br0", "-runas", "nobody"};
        try {
            taplaunch::make_launch_plan(guest, host, true);
            FAIL("planned");
        } catch (const taplaunch::DefinitionProblems& problems) {
            REQUIRE(problems.lines().size() == 2);
            CHECK_THAT(problems.lines()[0], Contains("(-no-hpet): not an option of QEMU 10.0.13"));
            CHECK_THAT(problems.lines()[1], Contains("QEMU argument 4 (-runas): not an option of QEMU 10.0.13 (/usr/bin/qemu-system-x86_64 -help does not list it): use -run-with user=USER instead"));
        }
        CHECK(host.qemu_help_queries == 1);
        guest.emulator_args = {"-m", "256", "-nic", "bridge,br=br0"};
        CHECK_THAT(format_dry_run(taplaunch::make_launch_plan(guest, host, true)),
                   Contains("QEMU options: /usr/bin/qemu-system-x86_64 -help (QEMU 10.0.13)\n"));
    }
    SECTION("a wrapper is not asked, and the error says so")
    {
        host.programs["setpriv"] = "/usr/bin/setpriv";
        guest.emulator = "setpriv";
        guest.emulator_kind = taplaunch::EmulatorKind::qemu;
        guest.emulator_args = {"-run-with", "user=nobody", "-nic", "bridge,br=br0"};
        CHECK_THAT(problems_of([&] { taplaunch::make_launch_plan(guest, host); }).at(0),
                   Contains("not an option of QEMU 7.2 (taplaunch's table; /usr/bin/setpriv was "
                            "not asked for QEMU's options: it is not a qemu-system-* binary"));
        CHECK(host.qemu_help_queries == 0);
    }
    SECTION("a binary that cannot be asked: the table, and the error says so")
    {
        host.qemu_help.clear();
        guest.emulator_args = {"-run-with", "user=nobody", "-nic", "bridge,br=br0"};
        CHECK_THAT(problems_of([&] { taplaunch::make_launch_plan(guest, host); }).at(0),
                   Contains("(taplaunch's table; /usr/bin/qemu-system-x86_64 -help listed no options)"));
    }
}

TEST_CASE("names_qemu_binary tells QEMU from a wrapper")
{
    CHECK(taplaunch::names_qemu_binary("/usr/bin/qemu-system-x86_64"));
    CHECK(taplaunch::names_qemu_binary("qemu-system-aarch64"));
    CHECK(taplaunch::names_qemu_binary("/usr/libexec/qemu-kvm"));
    CHECK_FALSE(taplaunch::names_qemu_binary("/usr/bin/setpriv"));
    CHECK_FALSE(taplaunch::names_qemu_binary("/opt/qemu-system-x86_64/bin/run"));
}
