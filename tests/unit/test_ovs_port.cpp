#include "definition/nic_spec.hpp"
#include "fake_host_facts.hpp"
#include "launch_error.hpp"
#include "plan/launch_plan.hpp"
#include "plan/launch_preview.hpp"
#include "plan/ovs_port_plan.hpp"
#include "plan/tap_steps.hpp"
#include "planning_cases.hpp"

#include "catch_compat.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

using test_matchers::Contains;
using taplaunch::DefinitionError;
using taplaunch::GuestDefinition;
using taplaunch::LaunchPlan;
using taplaunch::make_launch_plan;
using taplaunch::parse_nic_spec;
using taplaunch::TapStep;
using taplaunch_test::FakeHostFacts;
using taplaunch_test::plan_error;
using taplaunch_test::qemu_guest;

namespace {

// br0 a Linux bridge; obr0 an OVS bridge on the userspace datapath (a tun device to netlink);
// tap9 a tun device OVS does not know.
FakeHostFacts host_with_bridges()
{
    FakeHostFacts host;
    host.add_link("br0", "bridge");
    host.add_link("obr0", "tun");
    host.add_link("tap9", "tun");
    host.ovs_bridges = {"obr0"};
    return host;
}

std::string spec_error(const char* text)
{
    try {
        parse_nic_spec(text);
    } catch (const DefinitionError& error) {
        return error.what();
    }
    FAIL("parse_nic_spec accepted " << text);
    return {};
}

GuestDefinition named(GuestDefinition guest)
{
    guest.name = "web";
    return guest;
}

}  // namespace

TEST_CASE("vlan=, trunks= and iface_id= are read into the NIC's OVS port")
{
    const auto access = parse_nic_spec("bridge=obr0,vlan=10,iface_id=0c1f-lp.1:a");
    CHECK(access.ovs.vlan == 10u);
    CHECK(access.ovs.iface_id == "0c1f-lp.1:a");
    CHECK(access.ovs.trunks.empty());
    const auto trunk = parse_nic_spec("bridge=obr0,trunks=10+20+4094");
    CHECK(trunk.ovs.trunks == std::vector<unsigned>{10, 20, 4094});
    CHECK_FALSE(trunk.ovs.vlan);
    CHECK_FALSE(parse_nic_spec("bridge=br0").ovs.any());
}

TEST_CASE("bad VLANs and iface ids are refused in one line naming the range")
{
    CHECK_THAT(spec_error("bridge=obr0,vlan=0"), Contains("is not a VLAN id from 1 to 4094"));
    CHECK_THAT(spec_error("bridge=obr0,vlan=4095"), Contains("is not a VLAN id from 1 to 4094"));
    CHECK_THAT(spec_error("bridge=obr0,vlan=ten"), Contains("is not a VLAN id"));
    CHECK_THAT(spec_error("bridge=obr0,trunks=10+"), Contains("joined by '+'"));
    CHECK_THAT(spec_error("bridge=obr0,trunks=10+10"), Contains("names VLAN 10 twice"));
    CHECK_THAT(spec_error("bridge=obr0,vlan=10,trunks=20"), Contains("vlan= and trunks= together"));
    CHECK_THAT(spec_error("bridge=obr0,trunks=20,vlan=10"), Contains("vlan= and trunks= together"));
    CHECK_THAT(spec_error("bridge=obr0,iface_id=a\"b"), Contains("iface_id"));
    CHECK_THAT(spec_error("bridge=obr0,iface_id="), Contains("iface_id"));
}

TEST_CASE("a tun device the OVS database knows as a bridge takes an OVS port, not IFLA_MASTER")
{
    const FakeHostFacts host = host_with_bridges();
    const LaunchPlan plan = make_launch_plan(
        named(qemu_guest({"bridge=obr0,vlan=10,isolated=on", "bridge=obr0,iface_id=lp7"})), host);
    const auto& tap = plan.taps.at(0);
    REQUIRE(tap.ovs);
    CHECK(tap.ovs->iface_id == "web-nic0");
    CHECK(tap.ovs->vm_id == "web");
    CHECK(tap.ovs->vlan == 10u);
    CHECK(tap.ovs->protected_port);
    CHECK_FALSE(tap.isolated);  // no Linux port flag on an OVS port
    CHECK(plan.taps.at(1).ovs->iface_id == "lp7");
    const std::vector<TapStep> steps = taplaunch::tap_steps_for(tap);
    CHECK(std::vector<TapStep>(steps.end() - 4, steps.end()) ==
          std::vector<TapStep>{TapStep::set_mac, TapStep::set_mtu, TapStep::add_ovs_port,
                               TapStep::up});
    // The TAP's MAC keeps the 0xFE rule: a locally administered address, which OVS never
    // takes for its bridge.
    CHECK(tap.tap_mac.to_string().starts_with("fe:"));
}

TEST_CASE("the port row is added whole in one transaction, and removed only while still ours")
{
    const FakeHostFacts host = host_with_bridges();
    const LaunchPlan plan =
        make_launch_plan(named(qemu_guest({"bridge=obr0,trunks=10+20"})), host);
    const auto& tap = plan.taps.at(0);
    const std::vector<std::string> add = taplaunch::ovs_add_port_args(tap, "tap3");
    const auto has = [&](const std::string& word) {
        return std::find(add.begin(), add.end(), word) != add.end();
    };
    CHECK(has("--may-exist"));
    CHECK(has("add-port"));
    CHECK(has("tag=[]"));
    CHECK(has("trunks=[10,20]"));
    CHECK(has("protected=false"));
    const std::string ids = *std::find_if(add.begin(), add.end(), [](const std::string& word) {
        return word.starts_with("external_ids={");
    });
    CHECK_THAT(ids, Contains("\"attached-mac\"=\"" + tap.guest_mac.to_string() + "\""));
    CHECK_THAT(ids, Contains("\"iface-id\"=\"web-nic0\""));
    CHECK_THAT(ids, Contains("\"vm-id\"=\"web\""));
    CHECK_THAT(ids, Contains("\"iface-status\"=\"active\""));
    CHECK_THAT(ids, Contains("\"taplaunch-owner\"=\"" + tap.owner_alias + "\""));

    // The removal: one transaction whose wait aborts it unless the record is still there.
    const auto transaction = nlohmann::json::parse(
        taplaunch::ovs_remove_port_transaction("obr0", "tap3", "0d2c-uuid", tap.owner_alias));
    REQUIRE(transaction.size() == 3);
    CHECK(transaction[0] == "Open_vSwitch");
    CHECK(transaction[1]["op"] == "wait");
    CHECK(transaction[1]["timeout"] == 0);
    CHECK(transaction[1]["where"][1][2][1][0][1] == tap.owner_alias);
    CHECK(transaction[2]["op"] == "mutate");
    CHECK(transaction[2]["mutations"][0][2][1][0][1] == "0d2c-uuid");
}

TEST_CASE("OVS-only keys on a Linux bridge are refused in one line")
{
    const FakeHostFacts host = host_with_bridges();
    CHECK_THAT(plan_error(qemu_guest({"bridge=br0,vlan=10"}), host),
               Contains("nic 0: vlan= applies to an Open vSwitch port, and br0 is a Linux bridge"));
    CHECK_THAT(plan_error(qemu_guest({"bridge=br0,trunks=10+20"}), host),
               Contains("nic 0: trunks= applies"));
    CHECK_THAT(plan_error(qemu_guest({"bridge=br0,iface_id=x"}), host),
               Contains("nic 0: iface_id= applies"));
}

TEST_CASE("a tun device that is no OVS bridge, or an OVS database that cannot be asked")
{
    FakeHostFacts host = host_with_bridges();
    CHECK_THAT(plan_error(qemu_guest({"bridge=tap9"}), host),
               Contains("'tap9' is a tun device, not a bridge"));
    host.ovs_problem = "ovs-vsctl: unix:/run/openvswitch/db.sock: database connection failed";
    CHECK_THAT(plan_error(qemu_guest({"bridge=obr0"}), host),
               Contains("the Open vSwitch database could not be asked whether it is an OVS "
                        "bridge: ovs-vsctl:"));
}

TEST_CASE("the preview says what removes an OVS port row, for each hand-off")
{
    const FakeHostFacts host = host_with_bridges();
    const LaunchPlan exec = make_launch_plan(qemu_guest({"bridge=obr0", "bridge=br0"}), host);
    const auto preview = taplaunch::preview_launch(exec);
    REQUIRE(preview.teardown.size() == 1);  // the Linux bridge's TAP leaves nothing behind
    CHECK_THAT(preview.teardown[0], Contains("nic 0: a keeper"));
    GuestDefinition supervised = qemu_guest({"bridge=obr0"});
    supervised.supervise = true;
    const auto supervised_preview =
        taplaunch::preview_launch(make_launch_plan(supervised, host));
    REQUIRE(supervised_preview.teardown.size() == 1);
    CHECK_THAT(supervised_preview.teardown[0], Contains("the supervisor removes"));
}
