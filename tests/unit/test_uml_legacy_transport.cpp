// --uml-transport tuntap on each side of Linux 6.16, which removed UML's legacy transports:
// refused at plan time, before any TAP exists, on a UML without it.

#include "fake_host_facts.hpp"
#include "launch_error.hpp"
#include "plan/launch_plan.hpp"
#include "plan/uml_legacy_transport.hpp"
#include "planning_cases.hpp"

#include "catch_compat.hpp"

#include <optional>
#include <string>

using taplaunch::UmlTransport;
using taplaunch_test::FakeHostFacts;
using test_matchers::Contains;

namespace {

FakeHostFacts host_with_uml(const std::string& version)
{
    FakeHostFacts host;
    host.add_link("br0", "bridge");
    host.versions = {{"/usr/bin/linux", version}};
    return host;
}

taplaunch::GuestDefinition uml_guest(UmlTransport transport)
{
    taplaunch::GuestDefinition guest = taplaunch_test::guest_of("linux", {"bridge=br0"}, {"mem=128M"});
    guest.uml_transport = transport;
    guest.uml_transport_given = true;
    return guest;
}

}  // namespace

TEST_CASE("uml_version_has_tuntap: until 6.15, not from 6.16 on")
{
    const auto [version, expected] = GENERATE(table<const char*, std::optional<bool>>({
        {"6.1.176", true},    // Debian 12
        {"6.12.113", true},   // Debian 13
        {"6.15.11", true},
        {"6.16.0", false},
        {"6.16-rc1", false},
        {"7.2.7", false},     // Debian unstable
        {"", std::nullopt},
        {"UML", std::nullopt},
    }));
    INFO(version);
    CHECK(taplaunch::uml_version_has_tuntap(version) == expected);
}

TEST_CASE("uml-transport tuntap on a UML without it is one line naming tap, at plan time")
{
    const FakeHostFacts host = host_with_uml("7.2.7");
    const std::string error = taplaunch_test::plan_error(uml_guest(UmlTransport::tuntap), host);
    CHECK_THAT(error, Contains("--uml-transport tuntap: UML 7.2.7 (/usr/bin/linux) has no tuntap "
                               "transport (Linux 6.16 removed"));
    CHECK_THAT(error, Contains("use --uml-transport tap"));
    CHECK(error.find('\n') == std::string::npos);
    // --dry-run lists it among the problems, as a real run refuses it.
    try {
        taplaunch::make_launch_plan(uml_guest(UmlTransport::tuntap), host, true);
        FAIL("planned");
    } catch (const taplaunch::DefinitionProblems& problems) {
        REQUIRE(problems.lines().size() == 1);
        CHECK(problems.lines()[0] == error);
    }
}

TEST_CASE("uml-transport tuntap on a UML that has it keeps the legacy form")
{
    const char* version = GENERATE("6.1.176", "6.12.113", "");  // "": a UML that does not say
    INFO(version);
    FakeHostFacts host = host_with_uml(version);
    if (!*version) {
        host.versions.clear();
    }
    const auto plan = taplaunch::make_launch_plan(uml_guest(UmlTransport::tuntap), host);
    REQUIRE(plan.taps.size() == 1);
    CHECK(plan.argv.back().starts_with("eth0=tuntap,"));
}

TEST_CASE("the other transports do not ask UML for its version for this")
{
    const UmlTransport transport = GENERATE(UmlTransport::tap, UmlTransport::fd);
    const FakeHostFacts host = host_with_uml("7.2.7");
    const auto plan = taplaunch::make_launch_plan(uml_guest(transport), host);
    CHECK(plan.taps.size() == 1);
    CHECK(host.version_queries == 0);  // an AVX host: the XSTATE rule asks nothing either
}
