// Planning QEMU NICs: the user's own bridge forms taken over, multiqueue and vhost-net.
#include "definition/nic_spec.hpp"
#include "fake_host_facts.hpp"
#include "planning_cases.hpp"
#include "launch_error.hpp"
#include "plan/dry_run.hpp"
#include "plan/launch_plan.hpp"

#include "catch_compat.hpp"

#include <string>
#include <vector>

using test_matchers::Contains;
using taplaunch::DefinitionError;
using taplaunch::GuestDefinition;
using taplaunch::LaunchPlan;
using taplaunch::make_launch_plan;
using taplaunch::parse_nic_spec;
using taplaunch_test::FakeHostFacts;
using taplaunch_test::plan_error;

namespace {

using Words = std::vector<std::string>;

FakeHostFacts bridged_host()
{
    FakeHostFacts host;
    host.add_link("br0", "bridge", 1500);
    host.add_link("br1", "bridge", 9000);
    return host;
}

// A QEMU command line (the emulator's arguments) with taplaunch's own NICs.
GuestDefinition qemu(Words args, const std::vector<const char*>& nics = {})
{
    return taplaunch_test::qemu_guest(nics, std::move(args));
}

Words tail(const LaunchPlan& plan)
{
    return Words(plan.argv.begin() + 1, plan.argv.end());
}

}  // namespace

TEST_CASE("QEMU's -nic bridge becomes -nic tap on a TAP of taplaunch's, everything else unchanged")
{
    const FakeHostFacts host = bridged_host();
    const LaunchPlan plan = make_launch_plan(
        qemu({"-m", "1G", "-nic", "bridge,br=br1,model=virtio-net-pci,mac=52:54:00:12:34:56",
              "disk.img"}),
        host);
    REQUIRE(plan.taps.size() == 1);
    const auto& tap = plan.taps[0];
    CHECK(tap.bridge == "br1");
    CHECK(tap.guest_mac.to_string() == "52:54:00:12:34:56");
    CHECK(tap.tap_mac.to_string() == "fe:54:00:12:34:56");
    CHECK(tap.mtu == 9000u);
    CHECK(tap.vnet_hdr);
    CHECK(tap.bridge_form == 0u);
    CHECK(tail(plan) == Words{"-m", "1G", "-nic",
                              "tap,fd=3,model=virtio-net-pci,mac=52:54:00:12:34:56", "disk.img"});
}

TEST_CASE("QEMU's -netdev bridge takes its MAC and model from the -device that uses it")
{
    const FakeHostFacts host = bridged_host();
    const LaunchPlan plan = make_launch_plan(
        qemu({"-device", "virtio-net-pci,netdev=n0,mac=52:54:00:12:34:57", "-netdev", "bridge,id=n0",
              "disk.img"}),
        host);
    REQUIRE(plan.taps.size() == 1);
    CHECK(plan.taps[0].bridge == "br0");  // QEMU's default
    CHECK(plan.taps[0].guest_mac.to_string() == "52:54:00:12:34:57");
    CHECK(plan.taps[0].device_model == "virtio-net-pci");
    CHECK(tail(plan) == Words{"-device", "virtio-net-pci,netdev=n0,mac=52:54:00:12:34:57",
                              "-netdev", "tap,id=n0,fd=3", "disk.img"});
}

TEST_CASE("a bridge form without a MAC gets taplaunch's stable default, named after QEMU's -name")
{
    const FakeHostFacts host = bridged_host();
    const LaunchPlan plan = make_launch_plan(qemu({"-name", "web", "-nic", "bridge"}), host);
    const std::string mac = taplaunch::default_guest_mac("web", 0).to_string();
    CHECK(plan.guest_name == "web");
    CHECK(plan.taps.at(0).guest_mac.to_string() == mac);
    CHECK(tail(plan) == Words{"-name", "web", "-nic", "tap,fd=3,mac=" + mac});
    // --name wins over QEMU's -name.
    GuestDefinition named = qemu({"-name", "web", "-nic", "bridge"});
    named.name = "db";
    named.name_given = true;
    CHECK(make_launch_plan(named, host).taps.at(0).guest_mac == taplaunch::default_guest_mac("db", 0));
}

TEST_CASE("a -nic bridge without model= keeps the machine's default, and the TAP its header")
{
    FakeHostFacts host = bridged_host();
    const LaunchPlan plan = make_launch_plan(qemu({"-machine", "q35", "-nic", "bridge,br=br0"}), host);
    CHECK(plan.taps.at(0).device_model.empty());
    CHECK(plan.taps.at(0).vnet_hdr);
    host.features &= ~IFF_VNET_HDR;
    CHECK_FALSE(make_launch_plan(qemu({"-nic", "bridge"}), host).taps.at(0).vnet_hdr);
}

TEST_CASE("NICs from --nic follow the user's bridge forms, with ids that do not clash")
{
    const FakeHostFacts host = bridged_host();
    const LaunchPlan plan = make_launch_plan(
        qemu({"-netdev", "user,id=net0", "-device", "e1000,netdev=net0", "-nic",
              "bridge,br=br1,id=net1,mac=52:54:00:00:00:01"},
             {"bridge=br0,mac=52:54:00:00:00:02"}),
        host);
    REQUIRE(plan.taps.size() == 2);
    CHECK(plan.taps[0].bridge_form == 0u);
    CHECK(plan.taps[1].netdev_id == "net2");
    CHECK(tail(plan) ==
          Words{"-netdev", "user,id=net0", "-device", "e1000,netdev=net0", "-nic",
                "tap,fd=3,id=net1,mac=52:54:00:00:00:01", "-netdev", "tap,id=net2,fd=4", "-device",
                "virtio-net-pci,netdev=net2,mac=52:54:00:00:00:02"});
}

TEST_CASE("The -v log and --dry-run say what was rewritten")
{
    const FakeHostFacts host = bridged_host();
    const LaunchPlan plan =
        make_launch_plan(qemu({"-nic", "bridge,br=br0,helper=/usr/lib/qemu/qemu-bridge-helper"}), host);
    REQUIRE(plan.rewrites.size() == 2);
    CHECK_THAT(plan.rewrites[0], Contains("-nic bridge,br=br0,helper=") &&
                                     Contains("-> -nic tap,fd=3,mac="));
    CHECK_THAT(plan.rewrites[1], Contains("dropped helper=/usr/lib/qemu/qemu-bridge-helper"));
    CHECK(plan.notes.empty());
    CHECK_THAT(taplaunch::format_dry_run(plan),
               Contains("\nrewrite: QEMU argument 1 (-nic): dropped helper=") &&
                   Contains("\nqemu-system-x86_64 -nic tap,fd=3,mac="));
}

TEST_CASE("UML's arguments are never read as QEMU's")
{
    const FakeHostFacts host = bridged_host();
    GuestDefinition guest = qemu({"-nic", "bridge"});
    guest.emulator = "linux";
    CHECK(make_launch_plan(guest, host).taps.empty());
}

TEST_CASE("queues=N makes a multiqueue TAP with N fds and tells virtio-net about them")
{
    const FakeHostFacts host = bridged_host();
    const LaunchPlan plan =
        make_launch_plan(qemu({"-smp", "4"}, {"bridge=br0,mac=52:54:00:00:00:09,queues=4",
                                              "bridge=br0,mac=52:54:00:00:00:0a,model=e1000"}),
                         host);
    CHECK(plan.taps[0].queues == 4u);
    CHECK(plan.taps[0].queue_fds == std::vector<int>{3, 4, 5, 6});
    CHECK(plan.taps[1].queue_fds == std::vector<int>{7});
    CHECK(tail(plan) ==
          Words{"-smp", "4", "-netdev", "tap,id=net0,fds=3:4:5:6", "-device",
                "virtio-net-pci,netdev=net0,mac=52:54:00:00:00:09,mq=on,vectors=10", "-netdev",
                "tap,id=net1,fd=7", "-device", "e1000,netdev=net1,mac=52:54:00:00:00:0a"});
    CHECK_THAT(taplaunch::format_dry_run(plan),
               Contains("nic 0: create TAP tap%d (IFF_TAP|IFF_NO_PI|IFF_VNET_HDR|IFF_MULTI_QUEUE) "
                        "with 4 queues"));
}

TEST_CASE("queues=N on virtio-net outside PCI says mq=on without PCI's vectors=")
{
    const FakeHostFacts host = bridged_host();
    const LaunchPlan plan = make_launch_plan(
        qemu({}, {"bridge=br0,mac=52:54:00:00:00:09,queues=2,model=virtio-net-device",
                  "bridge=br0,mac=52:54:00:00:00:0a,queues=2,model=virtio-net-ccw",
                  "bridge=br0,mac=52:54:00:00:00:0b,queues=2,model=virtio-net-pci-non-transitional"}),
        host);
    CHECK(tail(plan) ==
          Words{"-netdev", "tap,id=net0,fds=3:4", "-device",
                "virtio-net-device,netdev=net0,mac=52:54:00:00:00:09,mq=on",
                "-netdev", "tap,id=net1,fds=5:6", "-device",
                "virtio-net-ccw,netdev=net1,mac=52:54:00:00:00:0a,mq=on",
                "-netdev", "tap,id=net2,fds=7:8", "-device",
                "virtio-net-pci-non-transitional,netdev=net2,mac=52:54:00:00:00:0b,mq=on,vectors=6"});
}

TEST_CASE("queues= is refused where there are no queues to have")
{
    FakeHostFacts host = bridged_host();
    CHECK_THAT(plan_error(qemu({}, {"bridge=br0,model=e1000,queues=2"}), host),
               Contains("nic 0: queues=2 needs a virtio NIC; e1000 has one queue"));
    for (const char* queues : {"0", "65", "x", "-1"}) {
        INFO(queues);
        CHECK_THROWS_WITH(parse_nic_spec(std::string("bridge=br0,queues=") + queues),
                          Contains(std::string("queues '") + queues + "' is not a number from 1 to 64"));
    }
    GuestDefinition uml = qemu({}, {"bridge=br0,queues=2"});
    uml.emulator = "linux";
    CHECK_THAT(plan_error(uml, host), Contains("queues=2 does not apply to UML"));
}

TEST_CASE("vhost-net: auto takes it where it opens, on demands it, off goes without")
{
    FakeHostFacts host = bridged_host();
    const auto plan_of = [&](const char* nic) { return make_launch_plan(qemu({}, {nic}), host); };
    host.vhost_net = false;
    CHECK(plan_of("bridge=br0").taps[0].vhost_fds.empty());
    CHECK_THAT(plan_error(qemu({}, {"bridge=br0,vhost=on"}), host),
               Contains("nic 0: vhost=on but /dev/vhost-net cannot be opened") &&
                   Contains("modprobe vhost_net"));
    host.vhost_net = true;
    const LaunchPlan one = plan_of("bridge=br0,mac=52:54:00:00:00:01");
    CHECK(one.taps[0].vhost_fds == std::vector<int>{4});
    CHECK(tail(one).at(1) == "tap,id=net0,fd=3,vhost=on,vhostfd=4");
    const LaunchPlan four = plan_of("bridge=br0,queues=4,vhost=on");
    CHECK(four.taps[0].vhost_fds == std::vector<int>{7, 8, 9, 10});
    CHECK(tail(four).at(1) == "tap,id=net0,fds=3:4:5:6,vhost=on,vhostfds=7:8:9:10");
    CHECK_THAT(taplaunch::format_dry_run(four), Contains("nic 0: open /dev/vhost-net 4 times for tap%d"));
    CHECK(plan_of("bridge=br0,model=e1000").taps[0].vhost_fds.empty());
    CHECK(plan_of("bridge=br0,vhost=off").taps[0].vhost_fds.empty());
    CHECK_THAT(plan_error(qemu({}, {"bridge=br0,model=e1000,vhost=on"}), host),
               Contains("vhost=on needs a virtio NIC, not e1000"));
    GuestDefinition uml = qemu({}, {"bridge=br0,vhost=on"});
    uml.emulator = "linux";
    CHECK_THAT(plan_error(uml, host), Contains("vhost= applies to QEMU only"));
}

TEST_CASE("a launch that needs more fds than taplaunch hands over is refused before it starts")
{
    FakeHostFacts host = bridged_host();
    host.vhost_net = true;
    std::vector<const char*> nics(9, "bridge=br0,queues=64");
    CHECK_THAT(plan_error(qemu({}, nics), host),
               Contains("the NICs need 1152 fds in the emulator, more than the 1024"));
}
