#include "handoff/emulator_environment.hpp"

#include "catch_compat.hpp"

#include <algorithm>

using taplaunch::emulator_environment;
using taplaunch::emulator_ld_preload;
using taplaunch::LaunchPlan;

namespace {

using Words = std::vector<std::string>;

LaunchPlan plan_preloading(const std::string& adapter)
{
    LaunchPlan plan;
    plan.uml_xstate.adapter_path = adapter;
    return plan;
}

Words sorted(Words words)
{
    std::sort(words.begin(), words.end());
    return words;
}

}  // namespace

TEST_CASE("emulator_ld_preload puts the adapter in front of the caller's preloads")
{
    const LaunchPlan plan = plan_preloading("/lib/a.so");
    CHECK(emulator_ld_preload(plan, nullptr) == "/lib/a.so");
    CHECK(emulator_ld_preload(plan, "") == "/lib/a.so");
    CHECK(emulator_ld_preload(plan, "/lib/mine.so") == "/lib/a.so:/lib/mine.so");
    CHECK_FALSE(emulator_ld_preload(plan_preloading(""), "/lib/mine.so"));
}

TEST_CASE("emulator_environment changes LD_PRELOAD and nothing else")
{
    const char* environment[] = {"PATH=/usr/bin", "LD_PRELOAD=/lib/mine.so", "HOME=/root", nullptr};
    CHECK(sorted(emulator_environment(plan_preloading("/lib/a.so"), environment)) ==
          sorted({"PATH=/usr/bin", "HOME=/root", "LD_PRELOAD=/lib/a.so:/lib/mine.so"}));
    CHECK(sorted(emulator_environment(plan_preloading(""), environment)) ==
          sorted({"PATH=/usr/bin", "HOME=/root", "LD_PRELOAD=/lib/mine.so"}));
    const char* plain[] = {"PATH=/usr/bin", nullptr};
    CHECK(sorted(emulator_environment(plan_preloading("/lib/a.so"), plain)) ==
          sorted({"PATH=/usr/bin", "LD_PRELOAD=/lib/a.so"}));
    CHECK(emulator_environment(plan_preloading(""), plain) == Words{"PATH=/usr/bin"});
}

TEST_CASE("emulator_ld_preload puts both UML adapters in front of the caller's preloads")
{
    LaunchPlan plan = plan_preloading("/lib/a.so");
    plan.uml_reboot.adapter_path = "/lib/r.so";
    CHECK(emulator_ld_preload(plan, nullptr) == "/lib/a.so:/lib/r.so");
    CHECK(emulator_ld_preload(plan, "/lib/mine.so") == "/lib/a.so:/lib/r.so:/lib/mine.so");
    plan.uml_xstate.adapter_path.clear();
    CHECK(emulator_ld_preload(plan, "") == "/lib/r.so");
}
