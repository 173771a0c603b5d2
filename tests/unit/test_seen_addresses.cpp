#include "tools/seen_addresses.hpp"

#include "catch_compat.hpp"

using namespace taplaunch;

TEST_CASE("seen addresses: the neighbour table, less failed entries and link-local IPv6")
{
    AddressesByMac seen;
    add_neighbour_entries(R"([
      {"dst":"10.0.2.57","dev":"br0","lladdr":"52:54:00:1A:00:01","state":["REACHABLE"]},
      {"dst":"fe80::5054:ff:fe1a:1","dev":"br0","lladdr":"52:54:00:1a:00:01","state":["STALE"]},
      {"dst":"fd00:2::5054:ff:fe1a:1","dev":"br0","lladdr":"52:54:00:1a:00:01","state":["STALE"]},
      {"dst":"10.0.2.99","dev":"br0","lladdr":"52:54:00:1a:00:02","state":["FAILED"]},
      {"dst":"10.0.2.98","dev":"br0","state":["INCOMPLETE"]}
    ])", seen);
    REQUIRE(seen.size() == 1);
    CHECK(seen["52:54:00:1a:00:01"].ipv4 == "10.0.2.57");
    CHECK(seen["52:54:00:1a:00:01"].ipv6 == "fd00:2::5054:ff:fe1a:1");
    add_neighbour_entries("not json", seen);
    CHECK(seen.size() == 1);
}

TEST_CASE("seen addresses: dnsmasq's leases, whose address wins over the neighbour table's")
{
    AddressesByMac seen;
    add_neighbour_entries(R"([{"dst":"10.0.2.7","dev":"br0","lladdr":"52:54:00:1a:00:01","state":["STALE"]}])",
                          seen);
    add_dnsmasq_leases("1796700000 52:54:00:1a:00:01 10.0.2.57 * 01:52:54:00:1a:00:01\n"
                       "1796700000 52:54:00:1a:00:02 10.0.2.58 guest *\n"
                       "duid 00:01:00:01:2c:2f:5e:1b:52:54:00:1a:00:01\n"
                       "1796700000 1234 fd00:2::99 * 00:01:00:01\n"
                       "garbage\n",
                       seen);
    REQUIRE(seen.size() == 2);
    CHECK(seen["52:54:00:1a:00:01"].ipv4 == "10.0.2.57");
    CHECK(seen["52:54:00:1a:00:02"].ipv4 == "10.0.2.58");
    CHECK(!seen["52:54:00:1a:00:02"].ipv6);
}

#include "tools/tap_listener.hpp"

#include <vector>

namespace {

std::vector<std::uint8_t> frame(std::uint16_t type, std::vector<std::uint8_t> payload)
{
    std::vector<std::uint8_t> bytes{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x1a, 0x00, 0x01,
                                    static_cast<std::uint8_t>(type >> 8), static_cast<std::uint8_t>(type)};
    bytes.insert(bytes.end(), payload.begin(), payload.end());
    return bytes;
}

std::vector<std::uint8_t> arp(std::vector<std::uint8_t> sender_ip)
{
    std::vector<std::uint8_t> payload{0, 1, 0x08, 0x00, 6, 4, 0, 1, 0x52, 0x54, 0x00, 0x1a, 0x00, 0x01};
    payload.insert(payload.end(), sender_ip.begin(), sender_ip.end());
    payload.insert(payload.end(), {0, 0, 0, 0, 0, 0, 10, 0, 2, 1});
    return payload;
}

}  // namespace

TEST_CASE("seen addresses: what a guest sends into its TAP names the addresses it uses")
{
    AddressesByMac seen;
    const auto add = [&](const std::vector<std::uint8_t>& bytes) {
        add_frame_addresses(bytes.data(), bytes.size(), seen);
    };
    add(frame(0x0806, arp({0, 0, 0, 0})));  // an ARP probe: no address yet
    CHECK(seen.empty());
    std::vector<std::uint8_t> dhcp_discover(20, 0);
    dhcp_discover[0] = 0x45;
    std::fill(dhcp_discover.begin() + 16, dhcp_discover.end(), 0xff);
    add(frame(0x0800, dhcp_discover));  // from 0.0.0.0
    CHECK(seen.empty());
    add(frame(0x0806, arp({10, 0, 2, 50})));
    CHECK(seen["52:54:00:1a:00:01"].ipv4 == "10.0.2.50");
    std::vector<std::uint8_t> ipv6(40, 0);
    ipv6[0] = 0x60;
    ipv6[8] = 0xfe;
    ipv6[9] = 0x80;
    ipv6[23] = 1;
    add(frame(0x86dd, ipv6));  // link-local
    CHECK(!seen["52:54:00:1a:00:01"].ipv6);
    ipv6[8] = 0xfd;
    ipv6[9] = 0x00;
    add(frame(0x86dd, ipv6));
    CHECK(seen["52:54:00:1a:00:01"].ipv6 == "fd00::1");
    add(frame(0x0806, {1, 2, 3}));  // truncated
    CHECK(seen.size() == 1);
}
