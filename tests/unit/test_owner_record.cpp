#include "plan/owner_record.hpp"

#include "catch_compat.hpp"

using taplaunch::OwnerRecord;
using taplaunch::parse_owner_record;

TEST_CASE("format_owner_record writes the documented alias")
{
    const OwnerRecord record{{1234, 567890}, "web-1", std::nullopt, std::nullopt};
    CHECK(taplaunch::format_owner_record(record) == "taplaunch pid=1234 start=567890 guest=web-1");
    const OwnerRecord with_mac{{1234, 567890}, "web-1", taplaunch::MacAddress::parse("52:54:00:12:34:56")};
    CHECK(taplaunch::format_owner_record(with_mac) ==
          "taplaunch pid=1234 start=567890 guest=web-1 mac=52:54:00:12:34:56");
}

TEST_CASE("parse_owner_record reads back what format_owner_record writes")
{
    const OwnerRecord record{{99, 12345678901ULL}, "db.2", taplaunch::MacAddress::parse("02:00:00:00:00:07"), std::nullopt};
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

TEST_CASE("owner records carry the launching caller's uid, and records without one still parse")
{
    const OwnerRecord record{{1234, 567890}, "web-1", std::nullopt, 1000};
    const std::string alias = taplaunch::format_owner_record(record);
    CHECK(alias == "taplaunch pid=1234 start=567890 guest=web-1 uid=1000");
    const auto parsed = parse_owner_record(alias);
    REQUIRE(parsed);
    CHECK(parsed->uid == 1000u);
    const auto old = parse_owner_record("taplaunch pid=1234 start=567890 guest=web-1");
    REQUIRE(old);
    CHECK_FALSE(old->uid);
    for (const char* alias_text : {"taplaunch pid=1 start=1 guest=y uid=", "taplaunch pid=1 start=1 guest=y uid=-1",
                                   "taplaunch pid=1 start=1 guest=y uid=x1"}) {
        INFO(alias_text);
        CHECK_FALSE(parse_owner_record(alias_text));
    }
}

TEST_CASE("owner_other_than names the user a TAP belongs to when it is not the caller")
{
    using taplaunch::owner_other_than;
    const OwnerRecord mine{{1, 1}, "g", std::nullopt, 1000};
    const OwnerRecord roots{{1, 1}, "g", std::nullopt, 0};
    const OwnerRecord unrecorded{{1, 1}, "g", std::nullopt, std::nullopt};
    CHECK_FALSE(owner_other_than(1000, mine, 1000));
    CHECK_FALSE(owner_other_than(1000, unrecorded, 1000));
    CHECK_FALSE(owner_other_than(1000, mine, std::nullopt));
    CHECK(owner_other_than(1000, mine, 1001) == 1001u);        // given to another user
    CHECK(owner_other_than(1000, roots, 1000) == 0u);          // root's launch, owner 1000
    CHECK(owner_other_than(1000, unrecorded, std::nullopt) == 0u);  // no trace: root's
    CHECK(owner_other_than(1001, mine, 1000) == 1000u);
    CHECK_FALSE(owner_other_than(0, unrecorded, std::nullopt));
}

TEST_CASE("owner records carry the PID namespace of their PID, and records without one still parse")
{
    const OwnerRecord record{{1234, 567890, 4026531836ULL}, "web-1", std::nullopt, 0};
    const std::string alias = taplaunch::format_owner_record(record);
    CHECK(alias == "taplaunch pid=1234 start=567890 pidns=4026531836 guest=web-1 uid=0");
    const auto parsed = parse_owner_record(alias);
    REQUIRE(parsed);
    CHECK(parsed->process == record.process);
    const auto old = parse_owner_record("taplaunch pid=1234 start=567890 guest=web-1 uid=0");
    REQUIRE(old);
    CHECK_FALSE(old->process.pid_namespace);
    for (const char* alias_text : {"taplaunch pid=1 start=1 pidns= guest=y",
                                   "taplaunch pid=1 start=1 pidns=-4 guest=y",
                                   "taplaunch pid=1 start=1 pidns=net:[4026531840] guest=y"}) {
        INFO(alias_text);
        CHECK_FALSE(parse_owner_record(alias_text));
    }
}
