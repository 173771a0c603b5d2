#include "definition/mac_address.hpp"

#include "catch_compat.hpp"

#include <optional>
#include <string>

using taplaunch::MacAddress;

TEST_CASE("MacAddress::parse accepts colon form in either case, and nothing else")
{
    // expected: the address as to_string prints it, or nullopt for text parse rejects.
    const auto [text, expected] = GENERATE(table<const char*, std::optional<std::string>>({
        {"52:54:00:AB:cd:Ef", "52:54:00:ab:cd:ef"},
        {"", std::nullopt},
        {"52:54:00:12:34", std::nullopt},
        {"52:54:00:12:34:56:78", std::nullopt},
        {"52-54-00-12-34-56", std::nullopt},
        {"52:54:00:12:34:5g", std::nullopt},
        {"5254.0012.3456", std::nullopt},
        {"52:54:00:12:34:56 ", std::nullopt},
        {" 52:54:00:12:34:5", std::nullopt},
        {"52::54:00:12:34:5", std::nullopt},
    }));
    INFO("'" << text << "'");
    const auto mac = MacAddress::parse(text);
    CHECK(mac.has_value() == expected.has_value());
    if (mac && expected) {
        CHECK(mac->to_string() == *expected);
    }
}

TEST_CASE("tap_mac_for sets the first byte to 0xFE, or 0xFA when the guest's is 0xFE")
{
    const auto [guest, tap] = GENERATE(table<const char*, const char*>({
        {"52:54:00:12:34:56", "fe:54:00:12:34:56"},
        {"02:00:00:00:00:01", "fe:00:00:00:00:01"},
        {"fe:54:00:12:34:56", "fa:54:00:12:34:56"},
        {"fa:54:00:12:34:56", "fe:54:00:12:34:56"},
    }));
    INFO(guest);
    const auto guest_mac = MacAddress::parse(guest);
    REQUIRE(guest_mac);
    CHECK(taplaunch::tap_mac_for(*guest_mac).to_string() == tap);
}

TEST_CASE("tap_mac_for never returns the guest's own address")
{
    const int first = GENERATE(range(0, 256, 2));
    const MacAddress guest(MacAddress::Bytes{static_cast<std::uint8_t>(first), 1, 2, 3, 4, 5});
    const MacAddress tap = taplaunch::tap_mac_for(guest);
    INFO(guest.to_string());
    CHECK(tap != guest);
    CHECK_FALSE(tap.is_multicast());
    CHECK((tap.bytes()[0] == 0xfe || tap.bytes()[0] == 0xfa));
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
