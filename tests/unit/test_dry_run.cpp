#include "definition/nic_spec.hpp"
#include "fake_host_facts.hpp"
#include "plan/dry_run.hpp"
#include "plan/launch_plan.hpp"
#include "plan/shell_quote.hpp"
#include "plan/tap_names.hpp"
#include "plan/tap_steps.hpp"

#include "catch_compat.hpp"

#include <linux/if_tun.h>

#include <string>
#include <vector>

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

}  // namespace

TEST_CASE("format_dry_run prints the steps phase by phase, as a launch takes them, then the command")
{
    const FakeHostFacts host = bridged_host();
    const LaunchPlan plan = make_launch_plan(two_nic_guest(), host);
    CHECK(format_dry_run(plan) ==
          "nic 0: create TAP tap%d (IFF_TAP|IFF_NO_PI|IFF_VNET_HDR)\n"
          "nic 1: create TAP web1 (IFF_TAP|IFF_NO_PI)\n"
          "nic 0: set MAC of tap%d to fe:54:00:12:34:56 and its alias to 'taplaunch pid=4242 "
          "start=987654 guest=web mac=52:54:00:12:34:56 uid=1000'\n"
          "nic 0: set MTU of tap%d to 1500\n"
          "nic 1: set MAC of web1 to fe:54:00:ab:cd:ef and its alias to 'taplaunch pid=4242 "
          "start=987654 guest=web mac=52:54:00:ab:cd:ef uid=1000'\n"
          "nic 1: set MTU of web1 to 1400\n"
          "nic 0: attach tap%d to bridge br0\n"
          "nic 1: attach web1 to bridge br1\n"
          "nic 0: set tap%d up\n"
          "nic 1: set web1 up\n"
          "note: nic 1: mtu 1400 is below bridge br1's MTU 9000: the bridge lowers its own MTU "
          "to match when the TAP joins, unless its MTU was set by hand (ip link set br1 mtu 9000 "
          "pins it)\n"
          "qemu-system-x86_64 -m 512 -append 'console=ttyS0 root=/dev/vda' "
          "-netdev tap,id=net0,fd=3 -device virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56 "
          "-netdev tap,id=net1,fd=4 -device e1000,netdev=net1,mac=52:54:00:ab:cd:ef\n");
}

TEST_CASE("format_dry_run without NICs prints only the command")
{
    const FakeHostFacts host = bridged_host();
    GuestDefinition guest;
    guest.emulator = "qemu-system-x86_64";
    guest.emulator_args = {"-nographic"};
    CHECK(format_dry_run(make_launch_plan(guest, host)) == "qemu-system-x86_64 -nographic\n");
}

TEST_CASE("format_dry_run prints the persistence steps of a UML TAP")
{
    const FakeHostFacts host = bridged_host();
    GuestDefinition guest;
    guest.name = "uml1";
    guest.emulator = "linux";
    guest.nics.push_back(parse_nic_spec("bridge=br0,mac=52:54:00:12:34:56,ifname=uml0"));
    CHECK(format_dry_run(make_launch_plan(guest, host)) ==
          "nic 0: create TAP uml0 (IFF_TAP|IFF_NO_PI)\n"
          "nic 0: set alias of uml0 to 'taplaunch pid=4242 start=987654 guest=uml1 mac=52:54:00:12:34:56 uid=1000'\n"
          "nic 0: make uml0 persistent, owned by uid 1000\n"
          "nic 0: set MAC of uml0 to fe:54:00:12:34:56\n"
          "nic 0: set MTU of uml0 to 1500\n"
          "nic 0: attach uml0 to bridge br0\n"
          "nic 0: set uml0 up\n"
          "linux vec0:transport=tap,ifname=uml0,mac=52:54:00:12:34:56,gro=1\n");
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
    CHECK(format_dry_run(make_launch_plan(guest, host)).find("preload") == std::string::npos);
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
    CHECK(format_dry_run(plan) ==
          "nic 0: create TAP tap1 (IFF_TAP|IFF_NO_PI), the name predicted for tap%d\n"
          "nic 0: set alias of tap1 to 'taplaunch pid=4242 start=987654 guest=uml1 mac=52:54:00:12:34:56 uid=1000'\n"
          "nic 0: make tap1 persistent, owned by uid 1000\n"
          "nic 0: set MAC of tap1 to fe:54:00:12:34:56\n"
          "nic 0: set MTU of tap1 to 1500\n"
          "nic 0: attach tap1 to bridge br0\n"
          "nic 0: set tap1 up\n"
          "note: tap1 is a prediction: the kernel numbers a %d template when it creates the TAP, "
          "and another launch may take the name first\n"
          "linux vec0:transport=tap,ifname=tap1,mac=52:54:00:12:34:56,gro=1\n");
}
