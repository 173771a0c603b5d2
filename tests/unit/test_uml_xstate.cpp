#include "fake_host_facts.hpp"
#include "launch_error.hpp"
#include "plan/uml_xstate.hpp"

#include "catch_compat.hpp"

#include <optional>

using test_matchers::Contains;
using taplaunch::plan_uml_xstate;
using taplaunch::UmlXstateAdapter;
using taplaunch::uml_version_sizes_xstate_itself;
using taplaunch_test::FakeHostFacts;

namespace {

const std::string uml = "/usr/bin/linux";
const std::string adapter = "/usr/lib/x86_64-linux-gnu/taplaunch/taplaunch-uml-xstate.so";

}  // namespace

TEST_CASE("uml_version_sizes_xstate_itself reads the major and minor version")
{
    const auto [version, expected] = GENERATE(table<const char*, std::optional<bool>>({
        {"6.1.176", false},
        {"6.12.113", false},
        {"6.13", true},
        {"6.13.0-rc1", true},
        {"6.16.0", true},
        {"7.0.1", true},
        {"5.10.0", false},
        {"", std::nullopt},
        {"linux", std::nullopt},
        {"6", std::nullopt},
        {"6.x", std::nullopt},
    }));
    INFO(version);
    CHECK(uml_version_sizes_xstate_itself(version) == expected);
}

TEST_CASE("plan_uml_xstate: auto preloads the adapter only where the UML cannot restore the area")
{
    const auto [xsave_bytes, version, preload] = GENERATE(table<unsigned, const char*, bool>({
        {0, "6.1.176", false},       // not x86
        {832, "6.1.176", false},     // an AVX host: UML's buffer fits
        {2688, "6.1.176", true},     // AVX-512
        {11008, "6.1.176", true},    // AVX-512 and AMX
        {11008, "6.12.113", true},   // Debian 13's UML
        {11008, "6.13.2", false},    // a UML that sizes the buffer itself
        {11008, "7.2.7", false},     // Debian unstable's
        {11008, "", true},           // a UML that does not say: preload, the adapter is harmless
    }));
    FakeHostFacts host;
    host.xsave_bytes = xsave_bytes;
    host.versions = {};
    if (*version) {
        host.versions[uml] = version;
    }
    INFO(xsave_bytes << " bytes, UML '" << version << "'");
    const auto plan = plan_uml_xstate(UmlXstateAdapter::automatic, uml, host);
    CHECK(plan.adapter_path == (preload ? adapter : ""));
    if (preload) {
        CHECK_THAT(plan.reason, Contains(std::to_string(xsave_bytes) + " bytes") &&
                                    Contains("transfers 832") && Contains(adapter));
    }
}

TEST_CASE("plan_uml_xstate asks the UML for its version only when the host's area is larger")
{
    FakeHostFacts host;
    host.xsave_bytes = 832;
    plan_uml_xstate(UmlXstateAdapter::automatic, uml, host);
    CHECK(host.version_queries == 0);
    host.xsave_bytes = 2688;
    plan_uml_xstate(UmlXstateAdapter::automatic, uml, host);
    CHECK(host.version_queries == 1);
}

TEST_CASE("plan_uml_xstate: on and off decide by themselves")
{
    FakeHostFacts host;
    host.xsave_bytes = 11008;
    CHECK(plan_uml_xstate(UmlXstateAdapter::off, uml, host).adapter_path.empty());
    host.xsave_bytes = 832;
    const auto forced = plan_uml_xstate(UmlXstateAdapter::on, uml, host);
    CHECK(forced.adapter_path == adapter);
    CHECK_THAT(forced.reason, Contains("--uml-xstate-adapter on"));
    CHECK(host.version_queries == 0);
}

TEST_CASE("plan_uml_xstate: a needed adapter that is not installed is a host error with the fix")
{
    FakeHostFacts host;
    host.xsave_bytes = 11008;
    host.adapter = std::nullopt;
    CHECK_THROWS_WITH(plan_uml_xstate(UmlXstateAdapter::automatic, uml, host),
                      Contains("not installed") && Contains("--uml-xstate-adapter off"));
    CHECK_THROWS_AS(plan_uml_xstate(UmlXstateAdapter::on, uml, host), taplaunch::HostError);
    CHECK(plan_uml_xstate(UmlXstateAdapter::off, uml, host).adapter_path.empty());
}
