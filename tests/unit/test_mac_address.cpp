#include "definition/mac_address.hpp"

#include <catch2/catch.hpp>

using taplaunch::MacAddress;

TEST_CASE("MacAddress::parse accepts colon form in either case")
{
    const auto mac = MacAddress::parse("52:54:00:AB:cd:Ef");
    REQUIRE(mac);
    CHECK(mac->to_string() == "52:54:00:ab:cd:ef");
}

TEST_CASE("MacAddress::parse rejects malformed text")
{
    for (const char* text : {"", "52:54:00:12:34", "52:54:00:12:34:56:78", "52-54-00-12-34-56",
                             "52:54:00:12:34:5g", "5254.0012.3456", "52:54:00:12:34:56 ",
                             " 52:54:00:12:34:5", "52::54:00:12:34:5"}) {
        INFO(text);
        CHECK_FALSE(MacAddress::parse(text));
    }
}

TEST_CASE("tap_mac_for sets the first byte to 0xFE")
{
    CHECK(taplaunch::tap_mac_for(*MacAddress::parse("52:54:00:12:34:56")).to_string() ==
          "fe:54:00:12:34:56");
    CHECK(taplaunch::tap_mac_for(*MacAddress::parse("02:00:00:00:00:01")).to_string() ==
          "fe:00:00:00:00:01");
}

TEST_CASE("tap_mac_for uses 0xFA when the guest MAC starts with 0xFE")
{
    CHECK(taplaunch::tap_mac_for(*MacAddress::parse("fe:54:00:12:34:56")).to_string() ==
          "fa:54:00:12:34:56");
}

TEST_CASE("tap_mac_for never returns the guest's own address")
{
    for (int first = 0; first < 256; first += 2) {
        MacAddress::Bytes bytes{static_cast<std::uint8_t>(first), 1, 2, 3, 4, 5};
        const MacAddress guest(bytes);
        const MacAddress tap = taplaunch::tap_mac_for(guest);
        INFO(guest.to_string());
        CHECK(tap != guest);
        CHECK_FALSE(tap.is_multicast());
        CHECK((tap.bytes()[0] == 0xfe || tap.bytes()[0] == 0xfa));
    }
}

TEST_CASE("default_guest_mac is stable, QEMU-prefixed and distinct per NIC and guest")
{
    const MacAddress first = taplaunch::default_guest_mac("web", 0);
    CHECK(first == taplaunch::default_guest_mac("web", 0));
    CHECK(first.to_string().starts_with("52:54:00:"));
    CHECK(first != taplaunch::default_guest_mac("web", 1));
    CHECK(first != taplaunch::default_guest_mac("db", 0));
    // FNV-1a-32("guest/0") = 0xc4951e6c: the documented rule, pinned so it never drifts.
    CHECK(taplaunch::default_guest_mac("guest", 0).to_string() == "52:54:00:95:1e:6c");
}
