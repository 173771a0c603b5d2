#include "plan/owner_record.hpp"
#include "tools/ovs_bridge_report.hpp"

#include "catch_compat.hpp"

#include <algorithm>
#include <string>

using taplaunch::OvsBridgeContents;
using taplaunch::OvsInterfaceFacts;
using taplaunch::ProcessIdentity;

namespace {

bool has_line(const std::vector<std::string>& lines, const std::string& line)
{
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

}  // namespace

TEST_CASE("doctor on an OVS bridge: ports, VLANs, and which stale rows gc removes")
{
    taplaunch::LinkFacts bridge;
    bridge.name = "obr0";
    bridge.kind = "tun";
    bridge.mac = *taplaunch::MacAddress::parse("a0:36:9f:11:22:33");
    OvsBridgeContents contents;
    contents.datapath_type = "netdev";
    const ProcessIdentity live{100, 1};
    const ProcessIdentity dead{200, 2};
    OvsInterfaceFacts running;
    running.name = "tap0";
    running.ofport = 2;
    running.tag = 10;
    running.protected_port = true;
    running.iface_id = "web-nic0";
    running.owner_record = taplaunch::format_owner_record({live, "web", std::nullopt, 0});
    OvsInterfaceFacts left;
    left.name = "tap1";
    left.ofport = 3;
    left.trunks = {10, 20};
    left.owner_record = taplaunch::format_owner_record({dead, "old", std::nullopt, 0});
    OvsInterfaceFacts foreign;
    foreign.name = "vnet7";
    foreign.ofport = -1;
    foreign.error = "could not open network device vnet7 (No such device)";
    OvsInterfaceFacts uplink;
    uplink.name = "eth1";
    uplink.ofport = 1;
    contents.interfaces = {running, left, foreign, uplink};

    const auto report = taplaunch::report_ovs_bridge(
        bridge, contents, [&](const ProcessIdentity& process) { return process == live; });
    const auto& lines = report.lines;
    CHECK(lines.front().starts_with("bridge obr0: Open vSwitch bridge, datapath netdev"));
    CHECK(has_line(lines, "  tap0: access port in VLAN 10, protected, iface-id web-nic0, "
                          "taplaunch guest web (pid 100, runs)"));
    CHECK(has_line(lines, "  tap1: trunk of VLANs 10 20, taplaunch guest old (pid 200, gone)"));
    CHECK(has_line(lines, "  eth1: all VLANs"));
    REQUIRE(report.risks.size() == 2);
    CHECK(report.risks[0].fix == "taplaunch gc");
    CHECK(report.risks[1].fix == "ovs-vsctl --if-exists del-port obr0 vnet7");
    CHECK(lines.back() == "doctor: 2 risks found on bridge obr0");
}
