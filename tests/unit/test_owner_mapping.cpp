#include "definition/nic_spec.hpp"
#include "fake_host_facts.hpp"
#include "launch_error.hpp"
#include "plan/launch_plan.hpp"

#include "catch_compat.hpp"

using test_matchers::Contains;
using taplaunch::GuestDefinition;
using taplaunch_test::FakeHostFacts;

namespace {

GuestDefinition uml_guest_owned_by(const std::string& owner)
{
    GuestDefinition guest;
    guest.emulator = "linux";
    guest.owner = owner;
    guest.nics.push_back(taplaunch::parse_nic_spec("bridge=br0"));
    return guest;
}

}  // namespace

TEST_CASE("make_launch_plan refuses an owner that this user namespace does not map")
{
    FakeHostFacts host;
    host.add_link("br0", "bridge");
    host.unmapped_uids = {1001};
    host.caller = 0;  // root of the namespace (unshare -Ur): only root gives TAPs to others
    CHECK_THROWS_WITH(taplaunch::make_launch_plan(uml_guest_owned_by("alice"), host),
                      Contains("owner 'alice' (uid 1001) has no uid in this user namespace") &&
                          Contains("drop --owner"));
    const auto plan = taplaunch::make_launch_plan(uml_guest_owned_by("1002"), host);
    CHECK(plan.taps.at(0).owner_uid == 1002);
}
