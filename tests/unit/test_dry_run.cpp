#include "definition/nic_spec.hpp"
#include "fake_host_facts.hpp"
#include "plan/dry_run.hpp"
#include "plan/plan_json.hpp"
#include "plan/launch_plan.hpp"
#include "plan/shell_quote.hpp"
#include "plan/tap_names.hpp"
#include "plan/tap_steps.hpp"

#include "catch_compat.hpp"

#include <linux/if_tun.h>

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

using test_matchers::Contains;
using test_matchers::StartsWith;
using taplaunch::format_dry_run;
using taplaunch::GuestDefinition;
using taplaunch::LaunchPlan;
using taplaunch::make_launch_plan;
using taplaunch::parse_nic_spec;
using taplaunch::shell_join;
using taplaunch::shell_quote;
using taplaunch_test::FakeHostFacts;

namespace {

FakeHostFacts bridged_host()
{
    FakeHostFacts host;
    host.add_link("br0", "bridge", 1500);
    host.add_link("br1", "bridge", 9000);
    return host;
}

GuestDefinition two_nic_guest()
{
    GuestDefinition guest;
    guest.name = "web";
    guest.emulator = "qemu-system-x86_64";
    guest.emulator_args = {"-m", "512", "-append", "console=ttyS0 root=/dev/vda"};
    guest.nics.push_back(parse_nic_spec("bridge=br0,mac=52:54:00:12:34:56"));
    guest.nics.push_back(parse_nic_spec("bridge=br1,mac=52:54:00:ab:cd:ef,model=e1000,"
                                        "ifname=web1,mtu=1400"));
    return guest;
}

using Lines = std::vector<std::string>;

Lines lines_of(const std::string& text)
{
    Lines lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        REQUIRE(end != std::string::npos);  // every line ends in a newline
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

// The index of the first line that starts with `prefix`; lines.size() when none does.
std::size_t position(const Lines& lines, const std::string& prefix)
{
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].starts_with(prefix)) {
            return i;
        }
    }
    return lines.size();
}

// The first line that starts with `prefix`, or "(none)".
std::string line_with(const Lines& lines, const std::string& prefix)
{
    const std::size_t found = position(lines, prefix);
    return found < lines.size() ? lines[found] : "(none)";
}

}  // namespace

TEST_CASE("format_dry_run prints the steps phase by phase, as a launch takes them, then the command")
{
    const FakeHostFacts host = bridged_host();
    const LaunchPlan plan = make_launch_plan(two_nic_guest(), host);
    const Lines lines = lines_of(format_dry_run(plan));
    REQUIRE(lines.size() == 12);
    // Each step names its NIC, its TAP and what changes.
    CHECK_THAT(lines[0], StartsWith("nic 0: create TAP tap%d (IFF_TAP|IFF_NO_PI|IFF_VNET_HDR)"));
    CHECK_THAT(lines[1], StartsWith("nic 1: create TAP web1 (IFF_TAP|IFF_NO_PI)"));
    CHECK_THAT(line_with(lines, "nic 0: set MAC"),
               StartsWith("nic 0: set MAC of tap%d to fe:54:00:12:34:56 and its alias to "
                          "'taplaunch pid=4242 start=987654 guest=web mac=52:54:00:12:34:56"));
    CHECK(line_with(lines, "nic 1: set MTU") == "nic 1: set MTU of web1 to 1400");
    CHECK(line_with(lines, "nic 1: attach") == "nic 1: attach web1 to bridge br1");
    CHECK(line_with(lines, "nic 0: set tap%d up") == "nic 0: set tap%d up");
    // Phase by phase: every create before any MAC, every MAC before any attach, ups last; each
    // NIC's MAC before its MTU.
    for (const char* nic : {"nic 0: ", "nic 1: "}) {
        INFO(nic);
        CHECK(position(lines, std::string(nic) + "create") < position(lines, std::string(nic) + "set MAC"));
        CHECK(position(lines, std::string(nic) + "set MAC") < position(lines, std::string(nic) + "set MTU"));
        CHECK(position(lines, std::string(nic) + "set MTU") < position(lines, std::string(nic) + "attach"));
    }
    CHECK(position(lines, "nic 0: attach") < position(lines, "nic 0: set tap%d up"));
    CHECK(position(lines, "nic 1: attach") < position(lines, "nic 1: set web1 up"));
    CHECK(position(lines, "nic 1: create") < position(lines, "nic 0: set MAC"));
    CHECK(position(lines, "nic 1: attach") < position(lines, "nic 0: set tap%d up"));
    // Then the notes, then the command, shell-quoted, with both NICs.
    CHECK_THAT(lines[10], StartsWith("note: nic 1: mtu 1400 is below bridge br1's MTU 9000"));
    CHECK(lines[11] == shell_join(plan.argv));
    CHECK_THAT(lines[11], StartsWith("qemu-system-x86_64 -m 512 -append 'console=ttyS0 root=/dev/vda' "));
    CHECK_THAT(lines[11], Contains("-device e1000,netdev=net1,mac=52:54:00:ab:cd:ef"));
}

TEST_CASE("format_dry_run without NICs prints only the command")
{
    const FakeHostFacts host = bridged_host();
    GuestDefinition guest;
    guest.emulator = "qemu-system-x86_64";
    guest.emulator_args = {"-nographic"};
    CHECK(format_dry_run(make_launch_plan(guest, host)) == "qemu-system-x86_64 -nographic\n");
}

TEST_CASE("format_dry_run prints the persistence steps of a UML TAP and what UML preloads")
{
    const FakeHostFacts host = bridged_host();
    GuestDefinition guest;
    guest.name = "uml1";
    guest.emulator = "linux";
    guest.nics.push_back(parse_nic_spec("bridge=br0,mac=52:54:00:12:34:56,ifname=uml0"));
    const Lines lines = lines_of(format_dry_run(make_launch_plan(guest, host)));
    // The owner record is on the TAP before it is made persistent, and both before it joins.
    CHECK_THAT(line_with(lines, "nic 0: set alias"),
               StartsWith("nic 0: set alias of uml0 to 'taplaunch pid=4242 start=987654 guest=uml1 "
                          "mac=52:54:00:12:34:56"));
    CHECK(line_with(lines, "nic 0: make") == "nic 0: make uml0 persistent, owned by uid 1000");
    CHECK(position(lines, "nic 0: create") < position(lines, "nic 0: set alias"));
    CHECK(position(lines, "nic 0: set alias") < position(lines, "nic 0: make"));
    CHECK(position(lines, "nic 0: make") < position(lines, "nic 0: set MAC"));
    CHECK(position(lines, "nic 0: attach") < position(lines, "nic 0: set uml0 up"));
    // The run preloads the reboot adapter for the tap transport: the preview says so.
    CHECK(line_with(lines, "preload ") ==
          "preload /usr/lib/x86_64-linux-gnu/taplaunch/taplaunch-uml-reboot.so into UML (its TAP "
          "fds close when a guest's reboot re-executes UML)");
    CHECK(lines.back() == "linux vec0:transport=tap,ifname=uml0,mac=52:54:00:12:34:56,gro=1");
}

TEST_CASE("format_dry_run quotes tricky emulator arguments")
{
    const FakeHostFacts host = bridged_host();
    GuestDefinition guest;
    guest.emulator = "qemu-system-x86_64";
    guest.emulator_args = {"-name", "my vm", "-append", "", "-fw_cfg", "name=it's",
                           "$HOME", "a\"b"};
    CHECK(format_dry_run(make_launch_plan(guest, host)) ==
          "qemu-system-x86_64 -name 'my vm' -append '' -fw_cfg 'name=it'\\''s' '$HOME' "
          "'a\"b'\n");
}

TEST_CASE("tap_steps_for sets MAC and MTU before attaching and brings the TAP up last")
{
    const FakeHostFacts host = bridged_host();
    const LaunchPlan plan = make_launch_plan(two_nic_guest(), host);
    using taplaunch::TapStep;
    CHECK(taplaunch::tap_steps_for(plan.taps[0]) ==
          std::vector<TapStep>{TapStep::create, TapStep::set_mac, TapStep::set_mtu,
                               TapStep::attach, TapStep::up});
}

TEST_CASE("shell_quote leaves plain words alone")
{
    for (const char* word : {"qemu-system-x86_64", "-m", "512", "console=ttyS0",
                             "virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56", "/dev/vda",
                             "tap%d", "user@host", "+x", "a.b_c"}) {
        CHECK(shell_quote(word) == word);
    }
}

TEST_CASE("shell_quote quotes the empty string")
{
    CHECK(shell_quote("") == "''");
}

TEST_CASE("shell_quote single-quotes words with spaces and shell characters")
{
    CHECK(shell_quote("my vm") == "'my vm'");
    CHECK(shell_quote("a\tb") == "'a\tb'");
    CHECK(shell_quote("a\nb") == "'a\nb'");
    CHECK(shell_quote("\"quoted\"") == "'\"quoted\"'");
    CHECK(shell_quote("$HOME") == "'$HOME'");
    CHECK(shell_quote("`id`") == "'`id`'");
    CHECK(shell_quote("a\\b") == "'a\\b'");
    CHECK(shell_quote("*.img") == "'*.img'");
    CHECK(shell_quote("~") == "'~'");
    CHECK(shell_quote("#x") == "'#x'");
    CHECK(shell_quote("a;b") == "'a;b'");
    CHECK(shell_quote("a|b&c") == "'a|b&c'");
    CHECK(shell_quote("(x)") == "'(x)'");
    CHECK(shell_quote("<in>") == "'<in>'");
    CHECK(shell_quote("!") == "'!'");
    CHECK(shell_quote("[ab]") == "'[ab]'");
    CHECK(shell_quote("{a,b}") == "'{a,b}'");
}

TEST_CASE("shell_quote closes and reopens quotes around a single quote")
{
    CHECK(shell_quote("it's") == "'it'\\''s'");
    CHECK(shell_quote("'") == "''\\'''");
    CHECK(shell_quote("''") == "''\\'''\\'''");
}

TEST_CASE("shell_join separates words by one space")
{
    CHECK(shell_join({}).empty());
    CHECK(shell_join({"a"}) == "a");
    CHECK(shell_join({"a", "b c", ""}) == "a 'b c' ''");
}

TEST_CASE("shell_join keeps an empty first word")
{
    CHECK(shell_join({"", "x"}) == "'' x");
}

TEST_CASE("format_dry_run says when it preloads the UML XSTATE adapter, and why")
{
    FakeHostFacts host = bridged_host();
    GuestDefinition guest;
    guest.emulator = "linux";
    guest.nics.push_back(parse_nic_spec("bridge=br0,mac=52:54:00:12:34:56"));
    host.xsave_bytes = 832;
    CHECK(format_dry_run(make_launch_plan(guest, host)).find("taplaunch-uml-xstate.so") ==
          std::string::npos);
    host.xsave_bytes = 11008;
    const std::string text = format_dry_run(make_launch_plan(guest, host));
    CHECK(text.find("preload /usr/lib/x86_64-linux-gnu/taplaunch/taplaunch-uml-xstate.so into "
                    "UML (this host's XSAVE area is 11008 bytes and UML 6.1.176 transfers 832)\n") !=
          std::string::npos);
}

TEST_CASE("make_launch_plan refuses --uml-xstate-adapter for a QEMU guest")
{
    const FakeHostFacts host = bridged_host();
    GuestDefinition guest = two_nic_guest();
    guest.uml_xstate_adapter = taplaunch::UmlXstateAdapter::on;
    CHECK_THROWS_WITH(make_launch_plan(guest, host),
                      test_matchers::Contains("applies only to UML guests"));
}

TEST_CASE("format_dry_run shows predicted names, marks them, and prints a runnable command")
{
    FakeHostFacts host = bridged_host();
    host.add_link("tap0", "tun");
    GuestDefinition guest;
    guest.name = "uml1";
    guest.emulator = "linux";
    guest.nics.push_back(parse_nic_spec("bridge=br0,mac=52:54:00:12:34:56"));
    LaunchPlan plan = make_launch_plan(guest, host);
    taplaunch::predict_tap_names(plan, host);
    const Lines lines = lines_of(format_dry_run(plan));
    // Every step under the predicted name; the create says what it predicts.
    CHECK(lines.front() == "nic 0: create TAP tap1 (IFF_TAP|IFF_NO_PI), the name predicted for tap%d");
    for (const std::string& line : lines) {
        if (line.starts_with("nic 0: ")) {
            CHECK_THAT(line, Contains("tap1"));
            CHECK_THAT(line, !Contains("tap0"));
        }
    }
    CHECK(line_with(lines, "note: tap1") ==
          "note: tap1 is a prediction: the kernel numbers a %d template when it creates the TAP, "
          "and another launch may take the name first");
    CHECK(lines.back() == "linux vec0:transport=tap,ifname=tap1,mac=52:54:00:12:34:56,gro=1");
}

namespace {

// The plans whose two previews are compared: QEMU NICs with notes, a taken-over bridge form
// with its rewrite, UML with both adapters and a predicted name, and an emulator that starts
// without capabilities.
std::vector<LaunchPlan> plans_to_preview()
{
    std::vector<LaunchPlan> plans;
    FakeHostFacts host = bridged_host();
    plans.push_back(make_launch_plan(two_nic_guest(), host));

    GuestDefinition drop_in;
    drop_in.emulator = "qemu-system-x86_64";
    drop_in.emulator_args = {"-netdev", "bridge,id=n0,br=br0,helper=/h", "-device",
                             "e1000,netdev=n0"};
    plans.push_back(make_launch_plan(drop_in, host));

    FakeHostFacts avx512 = bridged_host();
    avx512.xsave_bytes = 11008;
    avx512.add_link("tap0", "tun");
    GuestDefinition uml;
    uml.emulator = "linux";
    uml.nics.push_back(parse_nic_spec("bridge=br0,mac=52:54:00:12:34:56"));
    LaunchPlan uml_plan = make_launch_plan(uml, avx512);
    taplaunch::predict_tap_names(uml_plan, avx512);
    REQUIRE(uml_plan.uml_xstate.adapter_path.size() > 0);
    REQUIRE(uml_plan.uml_reboot.adapter_path.size() > 0);
    plans.push_back(uml_plan);

    FakeHostFacts file_capability = bridged_host();
    file_capability.elevated = true;
    file_capability.acl_files["/etc/taplaunch/bridge.conf"] = "allow all\n";
    GuestDefinition ordinary_user = two_nic_guest();
    ordinary_user.nics.pop_back();
    const LaunchPlan dropping = make_launch_plan(ordinary_user, file_capability);
    REQUIRE(dropping.drop_capabilities);
    plans.push_back(dropping);
    return plans;
}

}  // namespace

TEST_CASE("the text and JSON dry runs say the same things, line for member")
{
    for (const LaunchPlan& plan : plans_to_preview()) {
        const Lines lines = lines_of(format_dry_run(plan));
        const nlohmann::json document = nlohmann::json::parse(taplaunch::format_plan_json(plan));
        INFO(format_dry_run(plan));
        // Steps go phase by phase in the text and by NIC in the JSON: compare them as sets.
        std::multiset<std::string> json_steps;
        for (const auto& nic : document["nics"]) {
            for (const auto& step : nic["steps"]) {
                json_steps.insert(step.get<std::string>());
            }
        }
        std::multiset<std::string> text_steps;
        for (const std::string& line : lines) {
            if (line.starts_with("nic ")) {
                // The JSON says whether a name is predicted in the NIC's "tap" member.
                text_steps.insert(line.substr(0, line.find(", the name predicted for ")));
            }
        }
        CHECK(text_steps == json_steps);
        std::size_t next = text_steps.size();
        const auto predicted = document["predicted_names"].get<std::vector<std::string>>();
        if (!predicted.empty()) {
            REQUIRE(next < lines.size());
            for (const std::string& name : predicted) {
                CHECK_THAT(lines[next], Contains(name));
            }
            CHECK_THAT(lines[next++], StartsWith("note: "));
        }
        for (const auto& note : document["notes"]) {
            REQUIRE(next < lines.size());
            CHECK(lines[next++] == "note: " + note.get<std::string>());
        }
        for (const auto& rewrite : document["rewrites"]) {
            REQUIRE(next < lines.size());
            CHECK(lines[next++] == "rewrite: " + rewrite.get<std::string>());
        }
        const auto& emulator = document["emulator"];
        for (const auto& preload : emulator["preloads"]) {
            REQUIRE(next < lines.size());
            CHECK(lines[next++] == preload["reason"].get<std::string>());
            CHECK_THAT(preload["reason"].get<std::string>(),
                       Contains(preload["path"].get<std::string>()));
        }
        // The adapters listed by name are the preloads, in LD_PRELOAD's order.
        nlohmann::json named = nlohmann::json::array();
        for (const char* adapter : {"uml_xstate_adapter", "uml_reboot_adapter"}) {
            if (!emulator[adapter].is_null()) {
                named.push_back(emulator[adapter]);
            }
        }
        CHECK(named == emulator["preloads"]);
        if (emulator["drop_capabilities"].get<bool>()) {
            REQUIRE(next < lines.size());
            CHECK_THAT(lines[next++], StartsWith("give up every capability"));
        }
        REQUIRE(next + 1 == lines.size());
        CHECK(lines[next] == shell_join(document["argv"].get<std::vector<std::string>>()));
    }
}
