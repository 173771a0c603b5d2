#include "plan/owner_record.hpp"

#include <catch2/catch.hpp>

using taplaunch::OwnerRecord;
using taplaunch::parse_owner_record;

TEST_CASE("format_owner_record writes the documented alias")
{
    const OwnerRecord record{{1234, 567890}, "web-1", std::nullopt};
    CHECK(taplaunch::format_owner_record(record) == "taplaunch pid=1234 start=567890 guest=web-1");
    const OwnerRecord with_mac{{1234, 567890}, "web-1", taplaunch::MacAddress::parse("52:54:00:12:34:56")};
    CHECK(taplaunch::format_owner_record(with_mac) ==
          "taplaunch pid=1234 start=567890 guest=web-1 mac=52:54:00:12:34:56");
}

TEST_CASE("parse_owner_record reads back what format_owner_record writes")
{
    const OwnerRecord record{{99, 12345678901ULL}, "db.2", taplaunch::MacAddress::parse("02:00:00:00:00:07")};
    const auto parsed = parse_owner_record(taplaunch::format_owner_record(record));
    REQUIRE(parsed);
    CHECK(parsed->process == record.process);
    CHECK(parsed->guest == "db.2");
    CHECK(parsed->guest_mac == record.guest_mac);
    // Older records have no mac=; unknown fields are skipped.
    const auto old = parse_owner_record("taplaunch pid=5 start=6 guest=old later=field");
    REQUIRE(old);
    CHECK_FALSE(old->guest_mac);
}

TEST_CASE("parse_owner_record ignores aliases taplaunch did not write")
{
    for (const char* alias : {"", "uplink to the rack", "taplaunch", "taplaunch pid=12 guest=x",
                              "taplaunch pid=x start=1 guest=y", "taplaunch pid=0 start=1 guest=y",
                              "taplaunch pid=-3 start=1 guest=y", "Taplaunch pid=1 start=1 guest=y",
                              "taplaunch pid=1 start=1"}) {
        INFO(alias);
        CHECK_FALSE(parse_owner_record(alias));
    }
}
