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
