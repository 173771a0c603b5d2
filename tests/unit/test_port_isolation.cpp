#include "definition/command_line.hpp"
#include "definition/nic_spec.hpp"
#include "fake_host_facts.hpp"
#include "launch_error.hpp"
#include "plan/dry_run.hpp"
#include "plan/launch_plan.hpp"
#include "plan/plan_json.hpp"
#include "plan/tap_steps.hpp"
#include "profile_texts.hpp"

#include "catch_compat.hpp"

#include <algorithm>

#include <string>
#include <vector>

using test_matchers::Contains;
using taplaunch::GuestDefinition;
using taplaunch::LaunchPlan;
using taplaunch::make_launch_plan;
using taplaunch::parse_nic_spec;
using taplaunch::TapStep;
using taplaunch_test::FakeHostFacts;

namespace {

FakeHostFacts host_with_bridge()
{
    FakeHostFacts host;
    host.add_link("br0", "bridge", 1500);
    return host;
}

GuestDefinition guest_with(const std::string& nic, const std::string& emulator)
{
    GuestDefinition guest;
    guest.name = "ci";
    guest.emulator = emulator;
    guest.nics.push_back(parse_nic_spec(nic));
    return guest;
}

}  // namespace

TEST_CASE("isolated= is off unless given, and takes on and off")
{
    CHECK_FALSE(parse_nic_spec("bridge=br0").isolated);
    CHECK(parse_nic_spec("bridge=br0,isolated=on").isolated);
    CHECK_FALSE(parse_nic_spec("bridge=br0,isolated=off").isolated);
}

TEST_CASE("isolated= rejects other values, naming the ones it takes")
{
    for (const char* value : {"yes", "1", "true", "ON", ""}) {
        INFO(value);
        CHECK_THROWS_WITH(parse_nic_spec(std::string("bridge=br0,isolated=") + value),
                          Contains("isolated '" + std::string(value) + "' is not one of on, off"));
    }
}

TEST_CASE("a profile's nic takes isolated= like --nic")
{
    const taplaunch_test::ProfileTexts dir;
    const std::string path =
        dir.write("ci.ini", "emulator = qemu-system-x86_64\nnic = bridge=br0,isolated=on\n");
    const GuestDefinition guest =
        taplaunch::parse_command_line({"--profile", path, "--nic", "bridge=br0"}, dir.reader()).guest;
    REQUIRE(guest.nics.size() == 2);
    CHECK(guest.nics[0].isolated);
    CHECK_FALSE(guest.nics[1].isolated);
}

TEST_CASE("the port flags go between attach and up, for QEMU and UML alike")
{
    const FakeHostFacts host = host_with_bridge();
    for (const char* emulator : {"qemu-system-x86_64", "linux"}) {
        INFO(emulator);
        const LaunchPlan isolated =
            make_launch_plan(guest_with("bridge=br0,isolated=on", emulator), host);
        const std::vector<TapStep> steps = taplaunch::tap_steps_for(isolated.taps.at(0));
        REQUIRE(steps.size() >= 5);
        CHECK(std::vector<TapStep>(steps.end() - 5, steps.end()) ==
              std::vector<TapStep>{TapStep::set_mac, TapStep::set_mtu, TapStep::attach,
                                   TapStep::set_port_flags, TapStep::up});
        // A new bridge port is not isolated: without isolated=on there is no flag to set.
        const LaunchPlan open = make_launch_plan(guest_with("bridge=br0", emulator), host);
        const std::vector<TapStep> plain = taplaunch::tap_steps_for(open.taps.at(0));
        CHECK(std::find(plain.begin(), plain.end(), TapStep::set_port_flags) == plain.end());
        CHECK(plain.back() == TapStep::up);
    }
}

TEST_CASE("format_dry_run shows the port flags as a step of their own")
{
    const FakeHostFacts host = host_with_bridge();
    const GuestDefinition guest =
        guest_with("bridge=br0,ifname=ci0,isolated=on", "qemu-system-x86_64");
    const LaunchPlan plan = make_launch_plan(guest, host);
    const std::string text = taplaunch::format_dry_run(plan);
    CHECK_THAT(text, Contains("nic 0: attach ci0 to bridge br0\n"
                              "nic 0: set port flags of ci0 on bridge br0: isolated on\n"
                              "nic 0: set ci0 up\n"));
}

TEST_CASE("format_plan_json says whether each port is isolated, and lists the step")
{
    const FakeHostFacts host = host_with_bridge();
    GuestDefinition guest = guest_with("bridge=br0,ifname=ci0,isolated=on", "qemu-system-x86_64");
    guest.nics.push_back(parse_nic_spec("bridge=br0,ifname=ci1"));
    const std::string json = taplaunch::format_plan_json(make_launch_plan(guest, host));
    CHECK_THAT(json, Contains("\"isolated\": true"));
    CHECK_THAT(json, Contains("\"isolated\": false"));
    CHECK_THAT(json, Contains("\"nic 0: set port flags of ci0 on bridge br0: isolated on\""));
}
