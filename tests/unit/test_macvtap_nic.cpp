// macvtap=LOWER NICs: the NIC spec's keys and refusals, and what planning makes of them.

#include "definition/nic_spec.hpp"
#include "launch_error.hpp"
#include "plan/launch_plan.hpp"
#include "plan/launch_preview.hpp"
#include "plan/tap_steps.hpp"
#include "planning_cases.hpp"

#include "catch_compat.hpp"
#include "nic_spec_error.hpp"

#include <string>
#include <vector>

using test_matchers::Contains;
using taplaunch::LaunchPlan;
using taplaunch::MacvtapMode;
using taplaunch::make_launch_plan;
using taplaunch::parse_nic_spec;
using taplaunch::TapStep;
using taplaunch_test::FakeHostFacts;
using taplaunch_test::plan_error;
using taplaunch_test::qemu_guest;

namespace {

// eth0 an uplink; br0 a bridge with port eth1.
FakeHostFacts host_with_uplinks()
{
    FakeHostFacts host;
    host.add_link("eth0", "veth", 9000);
    host.add_link("br0", "bridge");
    host.add_link("eth1", "veth").master_ifindex = host.links.at("br0").ifindex;
    host.add_link("lo", "");
    return host;
}

void check_one_line(const std::string& message)
{
    INFO(message);
    CHECK(message.find('\n') == std::string::npos);
}

}  // namespace

TEST_CASE("macvtap= takes a lower interface, mode bridge and ifname macvtap%d by default")
{
    const auto spec = parse_nic_spec("macvtap=eth0");
    CHECK(spec.macvtap.lower == "eth0");
    CHECK(spec.macvtap.mode == MacvtapMode::bridge);
    CHECK_FALSE(spec.macvtap.mode_given);
    CHECK(spec.bridge.empty());
    CHECK(spec.ifname == "macvtap%d");
    CHECK(parse_nic_spec("macvtap=eth0,ifname=mv7").ifname == "mv7");
}

TEST_CASE("mode= reads each macvtap mode")
{
    CHECK(parse_nic_spec("macvtap=eth0,mode=bridge").macvtap.mode == MacvtapMode::bridge);
    CHECK(parse_nic_spec("macvtap=eth0,mode=vepa").macvtap.mode == MacvtapMode::vepa);
    CHECK(parse_nic_spec("macvtap=eth0,mode=private").macvtap.mode == MacvtapMode::private_mode);
    CHECK(parse_nic_spec("mode=passthru,macvtap=eth0").macvtap.mode == MacvtapMode::passthru);
    CHECK(parse_nic_spec("macvtap=eth0,mode=private").macvtap.mode_given);
}

TEST_CASE("a NIC has bridge= or macvtap=, and mode= only with macvtap=")
{
    CHECK_THAT(nic_error("bridge=br0,macvtap=eth0"), Contains("bridge= and macvtap= together"));
    CHECK_THAT(nic_error("model=virtio"), Contains("or macvtap=LOWER"));
    CHECK_THAT(nic_error("bridge=br0,mode=vepa"),
               Contains("mode= applies to a macvtap NIC only (add macvtap=LOWER, or drop mode=)"));
    CHECK_THAT(nic_error("macvtap=eth0,mode=source"),
               Contains("mode 'source' is not one of bridge, vepa, private, passthru"));
    CHECK_THAT(nic_error("macvtap=eth0/x"), Contains("macvtap interface name 'eth0/x'"));
    CHECK_THAT(nic_error("macvtap="), Contains("macvtap interface name '' is empty"));
    check_one_line(nic_error("bridge=br0,macvtap=eth0"));
}

TEST_CASE("keys of a bridge port or an OVS port are refused on a macvtap NIC, in one line")
{
    for (const char* key : {"isolated=on", "isolated=off", "lock=mac", "vlan=10", "trunks=10+20",
                            "iface_id=x"}) {
        const std::string text = std::string("macvtap=eth0,") + key;
        const std::string message = nic_error(text);
        INFO(message);
        CHECK_THAT(message, Contains("= does not apply to a macvtap NIC ("));
        CHECK_THAT(message, Contains("drop it, or use bridge="));
        check_one_line(message);
    }
    CHECK_THAT(nic_error("macvtap=eth0,lock=ip,ip=10.0.0.5"), Contains("does not apply"));
}

TEST_CASE("a macvtap NIC plans the guest's own MAC, LOWER's MTU and the keeper's removal")
{
    const FakeHostFacts host = host_with_uplinks();
    const LaunchPlan plan = make_launch_plan(
        qemu_guest({"macvtap=eth0,mac=52:54:00:aa:bb:cc,mode=private,queues=2"}), host);
    const auto& tap = plan.taps.at(0);
    REQUIRE(tap.macvtap);
    CHECK(tap.macvtap->lower == "eth0");
    CHECK(tap.macvtap->lower_ifindex == host.links.at("eth0").ifindex);
    CHECK(tap.macvtap->mode == MacvtapMode::private_mode);
    CHECK(tap.tap_mac.to_string() == "52:54:00:aa:bb:cc");  // no 0xFE: no bridge adopts it
    CHECK(tap.mtu == 9000);
    CHECK(tap.vnet_hdr);
    CHECK(tap.queue_fds.size() == 2);
    CHECK(tap.bridge.empty());
    CHECK_FALSE(tap.persistent);
    CHECK(taplaunch::tap_steps_for(tap) == std::vector<TapStep>{TapStep::create, TapStep::up});
    CHECK_THAT(taplaunch::describe_tap_step(tap, TapStep::create, "macvtap0"),
               Contains("create macvtap macvtap0 on eth0 (mode private, MAC 52:54:00:aa:bb:cc, "
                        "MTU 9000), set its alias to '"));
    const auto preview = taplaunch::preview_launch(plan);
    REQUIRE(preview.teardown.size() == 1);
    CHECK_THAT(preview.teardown[0], Contains("nic 0: a keeper"));
    CHECK_THAT(preview.teardown[0], Contains("removes macvtap macvtap%d when the emulator ends"));
    auto supervised = qemu_guest({"macvtap=eth0"});
    supervised.supervise = true;
    const auto supervised_preview = taplaunch::preview_launch(make_launch_plan(supervised, host));
    CHECK_THAT(supervised_preview.teardown.at(0),
               Contains("the supervisor removes macvtap macvtap%d"));
}

TEST_CASE("a macvtap's lower interface must exist, be no bridge port and not lo")
{
    const FakeHostFacts host = host_with_uplinks();
    CHECK_THAT(plan_error(qemu_guest({"macvtap=eth9"}), host),
               Contains("nic 0: macvtap=eth9: no such interface"));
    CHECK_THAT(plan_error(qemu_guest({"macvtap=eth1"}), host),
               Contains("nic 0: macvtap=eth1: it is a port of a bridge"));
    CHECK_THAT(plan_error(qemu_guest({"macvtap=lo"}), host),
               Contains("a macvtap needs an Ethernet device"));
    // A bridge itself is a fine lower interface.
    CHECK(make_launch_plan(qemu_guest({"macvtap=br0"}), host).taps.at(0).macvtap->lower == "br0");
    CHECK_THAT(plan_error(qemu_guest({"macvtap=br0,mtu=9000"}), host),
               Contains("mtu 9000 is above br0's MTU 1500, and a macvtap takes at most its lower "
                        "interface's"));
}

TEST_CASE("a UML guest's macvtap NIC is refused in one line")
{
    const FakeHostFacts host = host_with_uplinks();
    const std::string message =
        plan_error(taplaunch_test::guest_of("linux", {"macvtap=eth0"}, {"mem=128M"}), host);
    CHECK_THAT(message, Contains("nic 0: macvtap= works with QEMU only"));
    check_one_line(message);
}
