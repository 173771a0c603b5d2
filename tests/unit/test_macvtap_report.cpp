#include "plan/owner_record.hpp"
#include "tools/macvtap_report.hpp"

#include "catch_compat.hpp"

#include <linux/if_link.h>

#include <algorithm>
#include <string>

using taplaunch::LinkFacts;
using taplaunch::ProcessIdentity;

namespace {

bool has_line(const std::vector<std::string>& lines, const std::string& line)
{
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

LinkFacts macvtap(const std::string& name, unsigned mode, const std::string& alias)
{
    LinkFacts link;
    link.name = name;
    link.kind = "macvtap";
    link.macvlan_mode = mode;
    link.mac = *taplaunch::MacAddress::parse("52:54:00:00:00:01");
    link.mtu = 1500;
    link.up = true;
    link.alias = alias;
    return link;
}

}  // namespace

TEST_CASE("doctor on a macvtap's lower interface: each macvtap, stale ones, a lower that is down")
{
    LinkFacts lower;
    lower.name = "eth0";
    lower.kind = "veth";
    lower.mtu = 1500;
    lower.up = false;
    const ProcessIdentity live{100, 1};
    const ProcessIdentity dead{200, 2};
    const auto record = [](const ProcessIdentity& process, const char* guest) {
        return taplaunch::format_owner_record({process, guest, std::nullopt, 0});
    };
    const auto running = [&](const ProcessIdentity& process) { return process.pid == live.pid; };
    const auto report = taplaunch::report_macvtap_lower(
        lower,
        {macvtap("macvtap0", MACVLAN_MODE_BRIDGE, record(live, "web")),
         macvtap("macvtap1", MACVLAN_MODE_PRIVATE, record(dead, "old")),
         macvtap("other0", MACVLAN_MODE_VEPA, "")},
        running);
    CHECK(has_line(report.lines, "macvtaps on eth0: 3"));
    CHECK(has_line(report.lines, "  macvtap0: mode bridge, MAC 52:54:00:00:00:01, MTU 1500, up, "
                                 "taplaunch guest web (pid 100, runs)"));
    CHECK(has_line(report.lines, "  macvtap1: mode private, MAC 52:54:00:00:00:01, MTU 1500, up, "
                                 "taplaunch guest old (pid 200, gone)"));
    CHECK(has_line(report.lines,
                   "  other0: mode vepa, MAC 52:54:00:00:00:01, MTU 1500, up, not taplaunch's"));
    REQUIRE(report.risks.size() == 2);
    CHECK(report.risks[0].problem ==
          "stale macvtap: macvtap1 on eth0 is guest old's, whose taplaunch (pid 200) is gone");
    CHECK(report.risks[0].fix == "taplaunch gc");
    CHECK(report.risks[1].fix == "ip link set eth0 up");
    CHECK(report.lines.back() == "doctor: 2 risks found on interface eth0");
    CHECK(taplaunch::macvtap_mode_text(std::nullopt) == "unknown");
}
