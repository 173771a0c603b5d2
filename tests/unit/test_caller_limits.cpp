// What an ordinary user may do through taplaunch's file capability: the bridge ACL over every
// TAP of the plan, --owner, the MTU of a shared bridge, and the capabilities the emulator keeps.

#include "definition/nic_spec.hpp"
#include "fake_host_facts.hpp"
#include "planning_cases.hpp"
#include "launch_error.hpp"
#include "plan/launch_plan.hpp"

#include "catch_compat.hpp"

#include <string>
#include <vector>

using test_matchers::Contains;
using taplaunch::DefinitionError;
using taplaunch::DefinitionProblems;
using taplaunch::GuestDefinition;
using taplaunch::LaunchPlan;
using taplaunch::make_launch_plan;
using taplaunch_test::FakeHostFacts;
using taplaunch_test::plan_error;
using taplaunch_test::qemu_guest;

namespace {

const std::string acl_path = "/etc/taplaunch/bridge.conf";

// An ordinary user (uid 1000) running taplaunch installed with cap_net_admin+ep, on a host
// with bridges br0 and br1 and an ACL that allows br0.
FakeHostFacts capable_user_host()
{
    FakeHostFacts host;
    host.add_link("br0", "bridge", 1500);
    host.add_link("br1", "bridge", 1500);
    host.caller = 1000;
    host.net_admin = true;
    host.elevated = true;
    host.acl_files[acl_path] = "allow br0\n";
    return host;
}

}  // namespace

TEST_CASE("caller limits: a capable user attaches to a bridge the ACL allows")
{
    const FakeHostFacts host = capable_user_host();
    const LaunchPlan plan = make_launch_plan(qemu_guest({"bridge=br0"}), host);
    CHECK(plan.taps.size() == 1);
    CHECK(plan.drop_capabilities);
    CHECK(host.acl_reads == 1);
}

TEST_CASE("caller limits: a bridge the ACL does not allow is refused, naming the ACL")
{
    const FakeHostFacts host = capable_user_host();
    const std::string message = plan_error(qemu_guest({"bridge=br0", "bridge=br1"}), host);
    CHECK(message == "nic 1: bridge 'br1' is not allowed for uid 1000: no line of '" + acl_path +
                         "' allows it (an administrator may add 'allow br1' to '" + acl_path +
                         "')");
}

TEST_CASE("caller limits: QEMU's own bridge forms go through the same ACL")
{
    const FakeHostFacts host = capable_user_host();
    CHECK(make_launch_plan(qemu_guest({}, {"-nic", "bridge,br=br0"}), host).taps.size() == 1);
    CHECK_THAT(plan_error(qemu_guest({}, {"-nic", "bridge,br=br1,model=e1000"}), host),
               Contains("nic 0: bridge 'br1' is not allowed"));
    // QEMU's default bridge is br0; -netdev bridge is a NIC of the plan too.
    CHECK_THAT(plan_error(qemu_guest({}, {"-netdev", "bridge,id=n0,br=br1", "-device",
                                          "virtio-net-pci,netdev=n0"}),
                          host),
               Contains("bridge 'br1' is not allowed"));
    CHECK(make_launch_plan(qemu_guest({}, {"-nic", "bridge"}), host).taps.at(0).bridge == "br0");
}

TEST_CASE("caller limits: deny all wins, a missing ACL denies, a bad line is an error")
{
    FakeHostFacts host = capable_user_host();
    host.acl_files[acl_path] = "allow br0\ndeny all\n";
    CHECK_THAT(plan_error(qemu_guest({"bridge=br0"}), host),
               Contains("denied by '" + acl_path + "' line 2 (deny all)"));
    host.acl_files.clear();
    CHECK_THAT(plan_error(qemu_guest({"bridge=br0"}), host),
               Contains("'" + acl_path + "' does not exist, so no bridge is allowed"));
    host.acl_files[acl_path] = "allow br0\nallow br1 please\n";
    CHECK_THAT(plan_error(qemu_guest({"bridge=br0"}), host),
               Contains("bridge ACL '" + acl_path + "' line 2"));
}

TEST_CASE("caller limits: --dry-run lists every refused NIC")
{
    FakeHostFacts host = capable_user_host();
    host.add_link("br2", "bridge", 1500);
    try {
        make_launch_plan(qemu_guest({"bridge=br1", "bridge=br0", "bridge=br2"}), host, true);
        FAIL("the plan was made");
    } catch (const DefinitionProblems& problems) {
        REQUIRE(problems.lines().size() == 2);
        CHECK_THAT(problems.lines()[0], Contains("nic 0: bridge 'br1'"));
        CHECK_THAT(problems.lines()[1], Contains("nic 2: bridge 'br2'"));
    }
}

TEST_CASE("caller limits: root, and a caller whose capability is its own, are not limited")
{
    FakeHostFacts host = capable_user_host();
    host.acl_files.clear();
    host.caller = 0;  // root (also root of its own user namespace): never limited by the ACL
    CHECK(make_launch_plan(qemu_guest({"bridge=br1"}), host).taps.size() == 1);
    host.elevated = false;  // as the kernel starts a file-capability binary for root
    CHECK_FALSE(make_launch_plan(qemu_guest({"bridge=br1"}), host).drop_capabilities);
    host.caller = 1000;  // e.g. an ambient CAP_NET_ADMIN a service manager gave it
    const LaunchPlan plan = make_launch_plan(qemu_guest({"bridge=br1"}), host);
    CHECK_FALSE(plan.drop_capabilities);
    CHECK(host.acl_reads == 0);
}

TEST_CASE("caller limits: without root or the capability, one line says how to install")
{
    FakeHostFacts host = capable_user_host();
    host.net_admin = false;
    host.elevated = false;
    const std::string message = plan_error(qemu_guest({"bridge=br0"}), host);
    CHECK_THAT(message, Contains("creating TAPs needs root or CAP_NET_ADMIN") &&
                            Contains("setcap cap_net_admin+ep"));
    // Nothing to create: the emulator simply runs.
    CHECK(make_launch_plan(qemu_guest({}), host).taps.empty());
}

TEST_CASE("caller limits: an ordinary user's TAPs are their own")
{
    FakeHostFacts host = capable_user_host();
    host.users["me"] = 1000;
    GuestDefinition guest = qemu_guest({"bridge=br0"});
    guest.emulator = "linux";
    CHECK(make_launch_plan(guest, host).taps.at(0).owner_uid == 1000u);
    guest.owner = "me";
    CHECK(make_launch_plan(guest, host).taps.at(0).owner_uid == 1000u);
    guest.owner = "alice";
    CHECK_THAT(plan_error(guest, host),
               Contains("--owner alice: only root may give TAPs to another user"));
    host.users["root"] = 0;
    guest.owner = "root";
    CHECK_THAT(plan_error(guest, host), Contains("--owner root: only root may"));
}

TEST_CASE("caller limits: a capable user may not lower a shared bridge's MTU")
{
    FakeHostFacts host = capable_user_host();
    CHECK_THAT(plan_error(qemu_guest({"bridge=br0,mtu=1400"}), host),
               Contains("nic 0: mtu 1400 is below bridge br0's MTU 1500") &&
                   Contains("only root may"));
    CHECK(make_launch_plan(qemu_guest({"bridge=br0,mtu=1500"}), host).taps.at(0).mtu == 1500u);
    host.elevated = false;
    CHECK(make_launch_plan(qemu_guest({"bridge=br0,mtu=1400"}), host).taps.at(0).mtu == 1400u);
}

TEST_CASE("caller limits: a macvtap NIC is for root only, one line before anything is made")
{
    FakeHostFacts host = capable_user_host();
    host.add_link("eth0", "veth", 1500);
    CHECK(plan_error(qemu_guest({"macvtap=eth0"}), host) ==
          "nic 0: macvtap= is for root only: uid 1000 may not open /dev/tapN (root's, mode "
          "0600), and the bridge ACL names bridges, not host interfaces (run as root, or use "
          "bridge=)");
    host.caller = 0;
    host.elevated = false;
    CHECK(make_launch_plan(qemu_guest({"macvtap=eth0"}), host).taps.at(0).macvtap);
}
