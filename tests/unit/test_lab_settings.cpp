#include "lab/lab_settings.hpp"
#include "launch_error.hpp"

#include "catch_compat.hpp"

#include <algorithm>
#include <string>
#include <vector>

using namespace taplaunch;
using test_matchers::Contains;

namespace {

bool has_word(const std::vector<std::string>& words, const std::string& word)
{
    return std::find(words.begin(), words.end(), word) != words.end();
}

}  // namespace

TEST_CASE("lab: the bridge's addresses")
{
    const InterfaceAddress ipv4 = parse_interface_address("10.0.2.1/24", false, "--address");
    CHECK(ipv4.with_prefix() == "10.0.2.1/24");
    CHECK(ipv4.network() == "10.0.2.0/24");
    CHECK(parse_interface_address("192.168.7.130/25", false, "--address").network() == "192.168.7.128/25");
    const InterfaceAddress ipv6 = parse_interface_address("fd00:0002::1/64", true, "--address6");
    CHECK(ipv6.with_prefix() == "fd00:2::1/64");
    CHECK(ipv6.network() == "fd00:2::/64");
}

TEST_CASE("lab: a bad address is one line naming the option and an example")
{
    const auto refused = [](const std::string& text, bool ipv6) {
        try {
            parse_interface_address(text, ipv6, ipv6 ? "--address6" : "--address");
        } catch (const DefinitionError& error) {
            return std::string(error.what());
        }
        return std::string("accepted");
    };
    CHECK_THAT(refused("10.0.2.1", false), Contains("no prefix length"));
    CHECK_THAT(refused("10.0.2.1", false), Contains("e.g. --address 10.0.2.1/24"));
    CHECK_THAT(refused("10.0.2.300/24", false), Contains("not an IPv4 address"));
    CHECK_THAT(refused("fd00::1/64", false), Contains("not an IPv4 address"));
    CHECK_THAT(refused("10.0.2.1/31", false), Contains("must be 8 to 30"));
    CHECK_THAT(refused("10.0.2.1/x", false), Contains("must be 8 to 30"));
    CHECK_THAT(refused("10.0.2.0/24", false), Contains("network or broadcast"));
    CHECK_THAT(refused("10.0.2.255/24", false), Contains("network or broadcast"));
    CHECK_THAT(refused("fd00::/64", true), Contains("the prefix itself"));
    CHECK_THAT(refused("fd00::1/96", true), Contains("must be 48 to 64"));
    CHECK_THAT(refused("fd00::1/64", true), Contains("accepted"));
}

TEST_CASE("lab: bridge names")
{
    CHECK_NOTHROW(check_bridge_name("br0"));
    CHECK_NOTHROW(check_bridge_name("labbridge012345"));
    CHECK_THROWS_AS(check_bridge_name(""), DefinitionError);
    CHECK_THROWS_AS(check_bridge_name("labbridge0123456"), DefinitionError);
    CHECK_THROWS_AS(check_bridge_name("br/0"), DefinitionError);
    CHECK_THROWS_AS(check_bridge_name("br 0"), DefinitionError);
}

TEST_CASE("lab: the link commands make the bridge with its addresses before it comes up")
{
    LabSettings settings;
    settings.bridge = "lab0";
    settings.ipv6 = parse_interface_address("fd00:2::1/64", true, "--address6");
    const auto commands = lab_link_commands(settings);
    REQUIRE(commands.size() == 5);
    CHECK(commands[0] == std::vector<std::string>{"link", "set", "lo", "up"});
    CHECK(commands[1] == std::vector<std::string>{"link", "add", "lab0", "type", "bridge"});
    CHECK(commands[2] == std::vector<std::string>{"addr", "add", "10.0.2.1/24", "dev", "lab0"});
    CHECK(commands[3] ==
          std::vector<std::string>{"-6", "addr", "add", "fd00:2::1/64", "dev", "lab0", "nodad"});
    CHECK(commands[4] == std::vector<std::string>{"link", "set", "lab0", "up"});
}

TEST_CASE("lab: NAT masquerades the bridge's subnets out of any other interface")
{
    LabSettings settings;
    CHECK_THAT(lab_nat_ruleset(settings),
               Contains("ip saddr 10.0.2.0/24 oifname != \"br0\" masquerade"));
    CHECK_THAT(lab_nat_ruleset(settings), !Contains("ip6"));
    settings.ipv6 = parse_interface_address("fd00:2::1/64", true, "--address6");
    CHECK_THAT(lab_nat_ruleset(settings),
               Contains("ip6 saddr fd00:2::/64 oifname != \"br0\" masquerade"));
}

TEST_CASE("lab: the DHCP range leaves out the bridge, the network and the broadcast address")
{
    const auto range = [](const std::string& address) {
        return dhcp_range(parse_interface_address(address, false, "--address"));
    };
    CHECK(range("10.0.2.1/24") == std::pair<std::string, std::string>{"10.0.2.2", "10.0.2.254"});
    CHECK(range("10.0.2.254/24") == std::pair<std::string, std::string>{"10.0.2.2", "10.0.2.253"});
    CHECK(range("10.0.2.100/24") == std::pair<std::string, std::string>{"10.0.2.2", "10.0.2.254"});
    CHECK(range("192.168.0.1/30") == std::pair<std::string, std::string>{"192.168.0.2", "192.168.0.2"});
}

TEST_CASE("lab: dnsmasq serves DHCP only, on the bridge, with its state where it is told")
{
    LabSettings settings;
    const auto args = dnsmasq_arguments(settings, "/s/leases", "/s/log", true);
    CHECK(has_word(args, "--port=0"));
    CHECK(has_word(args, "--interface=br0"));
    CHECK(has_word(args, "--bind-interfaces"));
    CHECK(has_word(args, "--dhcp-range=10.0.2.2,10.0.2.254,12h"));
    CHECK(has_word(args, "--dhcp-option=option:router,10.0.2.1"));
    CHECK(has_word(args, "--dhcp-leasefile=/s/leases"));
    CHECK(has_word(args, "--log-facility=/s/log"));
    CHECK(has_word(args, "--user=root"));
    CHECK(has_word(args, "--group="));
    CHECK(!has_word(args, "--enable-ra"));
    settings.ipv6 = parse_interface_address("fd00:2::1/64", true, "--address6");
    const auto with_ipv6 = dnsmasq_arguments(settings, "/s/leases", "/s/log", false);
    CHECK(has_word(with_ipv6, "--enable-ra"));
    CHECK(has_word(with_ipv6, "--dhcp-range=fd00:2::,ra-stateless,64,12h"));
    CHECK(!has_word(with_ipv6, "--user=root"));
}
