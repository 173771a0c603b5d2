// Planning against what other guests already hold on a bridge: a guest MAC in use there, and
// the supervise-only stop timeout.
#include "definition/command_line.hpp"
#include "definition/nic_spec.hpp"
#include "fake_host_facts.hpp"
#include "planning_cases.hpp"
#include "launch_error.hpp"
#include "plan/launch_plan.hpp"

#include "catch_compat.hpp"

#include <string>
#include <vector>

using test_matchers::Contains;
using test_matchers::StartsWith;
using taplaunch::DefinitionError;
using taplaunch::DefinitionProblems;
using taplaunch::GuestDefinition;
using taplaunch::LaunchPlan;
using taplaunch::MacAddress;
using taplaunch::make_launch_plan;
using taplaunch::parse_command_line;
using taplaunch_test::FakeHostFacts;
using taplaunch_test::guest_of;
using taplaunch_test::plan_error;
using taplaunch_test::qemu_guest;

namespace {

using Words = std::vector<std::string>;

// br0 with an uplink (a0:36:9f:11:22:33) and one guest's TAP: guest "web", whose TAP carries
// fe:54:00:12:34:56 (guest MAC 52:54:00:12:34:56) and the owner record of pid 77.
FakeHostFacts host_with_a_guest()
{
    FakeHostFacts host;
    host.add_link("lo", "");
    const int bridge = host.add_link("br0", "bridge").ifindex;
    host.add_link("br1", "bridge");
    auto& uplink = host.add_link("br0-up", "veth");
    uplink.master_ifindex = bridge;
    uplink.mac = *MacAddress::parse("a0:36:9f:11:22:33");
    auto& tap = host.add_link("tap0", "tun");
    tap.master_ifindex = bridge;
    tap.mac = *MacAddress::parse("fe:54:00:12:34:56");
    tap.alias = "taplaunch pid=77 start=1234 guest=web";
    return host;
}

}  // namespace

TEST_CASE("make_launch_plan refuses a guest MAC whose TAP MAC a port of the bridge carries")
{
    const FakeHostFacts host = host_with_a_guest();
    const std::string error = plan_error(qemu_guest({"bridge=br0,mac=52:54:00:12:34:56"}), host);
    CHECK(error ==
          "nic 0: guest MAC 52:54:00:12:34:56 is taken on bridge br0: port tap0 (the TAP of guest "
          "web, taplaunch pid 77) carries the TAP MAC fe:54:00:12:34:56 that goes with it (give "
          "each guest its own mac=, or its own --name: the default MAC comes from the guest name)");
    // A guest MAC that is the TAP's own address; fa:54:... maps to the same TAP MAC (the 0xFE
    // rule's other way round).
    CHECK_THAT(plan_error(qemu_guest({"bridge=br0,mac=fe:54:00:12:34:56"}), host),
               Contains("port tap0 (the TAP of guest web, taplaunch pid 77) has it as its own MAC"));
    CHECK_THAT(plan_error(qemu_guest({"bridge=br0,mac=fa:54:00:12:34:56"}), host),
               Contains("port tap0 (the TAP of guest web, taplaunch pid 77) carries the TAP MAC "
                        "fe:54:00:12:34:56"));
}

TEST_CASE("make_launch_plan refuses a guest MAC a port of the bridge has as its own")
{
    const FakeHostFacts host = host_with_a_guest();
    CHECK(plan_error(qemu_guest({"bridge=br0,mac=a0:36:9f:11:22:33"}), host) ==
          "nic 0: guest MAC a0:36:9f:11:22:33 is taken on bridge br0: port br0-up has it as its "
          "own MAC (give each guest its own mac=, or its own --name: the default MAC comes from "
          "the guest name)");
}

TEST_CASE("make_launch_plan refuses a second guest with the same default MAC")
{
    FakeHostFacts host = host_with_a_guest();
    GuestDefinition first = guest_of("linux", {"bridge=br0"});
    const LaunchPlan plan = make_launch_plan(first, host);
    // The first guest's TAP is now on the bridge, as the kernel would report it.
    auto& tap = host.add_link("tap1", "tun");
    tap.master_ifindex = host.links.at("br0").ifindex;
    tap.mac = plan.taps.at(0).tap_mac;
    tap.alias = plan.taps.at(0).owner_alias;
    CHECK(plan_error(guest_of("linux", {"bridge=br0"}), host) ==
          "nic 0: guest MAC " + plan.taps.at(0).guest_mac.to_string() +
              " is taken on bridge br0: port tap1 (the TAP of guest guest, taplaunch pid 4242) "
              "carries the TAP MAC " + plan.taps.at(0).tap_mac.to_string() +
              " that goes with it (give each guest its own mac=, or its own --name: the default "
              "MAC comes from the guest name)");
    // Another name, another default MAC; another bridge has no such port.
    GuestDefinition named = guest_of("linux", {"bridge=br0"});
    named.name = "second";
    CHECK_NOTHROW(make_launch_plan(named, host));
    CHECK_NOTHROW(make_launch_plan(guest_of("linux", {"bridge=br1"}), host));
}

TEST_CASE("make_launch_plan refuses two NICs whose TAPs would carry one MAC")
{
    // The TAP MAC replaces the first byte: guest MACs that differ only there give one TAP MAC.
    const FakeHostFacts host = host_with_a_guest();
    CHECK(plan_error(qemu_guest({"bridge=br1,mac=52:54:00:12:34:57", "bridge=br1,mac=02:54:00:12:34:57"}),
                     host) ==
          "nic 1: TAP MAC fe:54:00:12:34:57 is nic 0's TAP MAC too (guest MACs "
          "02:54:00:12:34:57 and 52:54:00:12:34:57 differ only in the first byte, which the TAP "
          "MAC replaces: give each NIC a mac= that differs in another byte)");
}

TEST_CASE("make_launch_plan refuses a NIC whose TAP would carry another NIC's guest MAC")
{
    // fe:... gets the TAP MAC fa:..., and fa:... gets fe:...: each TAP would carry the other
    // NIC's guest MAC, and the bridge would take that guest's frames for the host.
    const FakeHostFacts host = host_with_a_guest();
    CHECK(plan_error(qemu_guest({"bridge=br1,mac=fe:54:00:00:00:01", "bridge=br1,mac=fa:54:00:00:00:01"}),
                     host) ==
          "nic 1: TAP MAC fe:54:00:00:00:01 is nic 0's guest MAC (the bridge would take that "
          "guest's frames for its own: give each NIC a mac= that differs in another byte than "
          "the first)");
    CHECK_THAT(plan_error(qemu_guest({"bridge=br1,mac=fa:54:00:00:00:01", "bridge=br1,mac=fe:54:00:00:00:01"}),
                          host),
               StartsWith("nic 1: TAP MAC fa:54:00:00:00:01 is nic 0's guest MAC"));
    // The other way round: a guest MAC that an earlier NIC's TAP would carry.
    CHECK(plan_error(qemu_guest({"bridge=br1,mac=52:54:00:00:00:03", "bridge=br1,mac=fe:54:00:00:00:03"}),
                     host) ==
          "nic 1: guest MAC fe:54:00:00:00:03 is nic 0's TAP MAC (the bridge would take this "
          "guest's frames for its own: give each NIC a mac= that differs in another byte than "
          "the first)");
}

TEST_CASE("make_launch_plan refuses a TAP MAC that is the guest MAC of a guest on the bridge")
{
    // A guest with mac=fe:54:00:00:00:02 runs on br0: its TAP carries fa:54:00:00:00:02, and
    // its owner record holds its guest MAC. A NIC with mac=02:54:00:00:00:02 would get the TAP
    // MAC fe:54:00:00:00:02, that guest's own address.
    FakeHostFacts host = host_with_a_guest();
    auto& tap = host.add_link("tap5", "tun");
    tap.master_ifindex = host.links.at("br0").ifindex;
    tap.mac = *MacAddress::parse("fa:54:00:00:00:02");
    tap.alias = "taplaunch pid=88 start=99 guest=db mac=fe:54:00:00:00:02 uid=0";
    CHECK(plan_error(qemu_guest({"bridge=br0,mac=02:54:00:00:00:02"}), host) ==
          "nic 0: TAP MAC fe:54:00:00:00:02 is taken on bridge br0: it is the guest MAC of guest "
          "db behind port tap5 (taplaunch pid 88), and the bridge would take that guest's frames "
          "for its own (give this NIC a mac= that differs in another byte than the first)");
    // On another bridge it is no one's.
    CHECK_NOTHROW(make_launch_plan(qemu_guest({"bridge=br1,mac=02:54:00:00:00:02"}), host));
}

TEST_CASE("make_launch_plan lists a MAC taken on the bridge among every problem")
{
    const FakeHostFacts host = host_with_a_guest();
    try {
        make_launch_plan(qemu_guest({"bridge=br0,mac=52:54:00:12:34:56", "bridge=br9"}), host, true);
        FAIL("accepted");
    } catch (const DefinitionProblems& problems) {
        REQUIRE(problems.lines().size() == 2);
        CHECK_THAT(problems.lines()[0], Contains("nic 0: guest MAC 52:54:00:12:34:56 is taken"));
        CHECK_THAT(problems.lines()[1], Contains("nic 1: bridge 'br9' does not exist"));
    }
}

TEST_CASE("make_launch_plan takes --stop-timeout only for a supervised emulator")
{
    const FakeHostFacts host = host_with_a_guest();
    GuestDefinition uml = guest_of("linux", {"bridge=br1"});
    CHECK(make_launch_plan(uml, host).stop_timeout_seconds == 10);
    uml.stop_timeout = 0;
    CHECK(make_launch_plan(uml, host).stop_timeout_seconds == 0);
    GuestDefinition qemu = qemu_guest({"bridge=br1"});
    qemu.stop_timeout = 3;
    CHECK(plan_error(qemu, host) == "--stop-timeout applies only when taplaunch supervises the "
                                    "emulator (add --supervise, or drop --stop-timeout)");
    qemu.supervise = true;
    CHECK(make_launch_plan(qemu, host).stop_timeout_seconds == 3);
}

TEST_CASE("parse_command_line reads --stop-timeout as whole seconds up to a day")
{
    CHECK(parse_command_line({"--stop-timeout", "25", "--", "linux"}).guest.stop_timeout == 25u);
    CHECK_FALSE(parse_command_line({"--", "linux"}).guest.stop_timeout);
    for (const char* bad : {"", "-1", "1.5", "10s", "86401", "99999999999999999999"}) {
        INFO(bad);
        try {
            parse_command_line({"--stop-timeout", bad, "--", "linux"});
            FAIL("accepted");
        } catch (const DefinitionError& error) {
            CHECK_THAT(error.what(), Contains("stop-timeout '" + std::string(bad) +
                                              "' is not a whole number of seconds from 0 to 86400"));
        }
    }
}
