#pragma once
// Guests and plan errors for planning tests: a guest of one emulator with NICs given as
// --nic specs, and the one-line error planning gives a definition (the test fails when
// planning accepts it).

#include "definition/guest_definition.hpp"
#include "definition/nic_spec.hpp"
#include "fake_host_facts.hpp"
#include "launch_error.hpp"
#include "plan/launch_plan.hpp"

#include "catch_compat.hpp"

#include <string>
#include <utility>
#include <vector>

namespace taplaunch_test {

inline taplaunch::GuestDefinition guest_of(std::string emulator, const std::vector<const char*>& nics,
                                           std::vector<std::string> args = {})
{
    taplaunch::GuestDefinition guest;
    guest.emulator = std::move(emulator);
    guest.emulator_args = std::move(args);
    for (const char* nic : nics) {
        guest.nics.push_back(taplaunch::parse_nic_spec(nic));
    }
    return guest;
}

inline taplaunch::GuestDefinition qemu_guest(const std::vector<const char*>& nics,
                                             std::vector<std::string> args = {})
{
    return guest_of("qemu-system-x86_64", nics, std::move(args));
}

inline std::string plan_error(const taplaunch::GuestDefinition& guest, const FakeHostFacts& host)
{
    try {
        taplaunch::make_launch_plan(guest, host);
    } catch (const taplaunch::DefinitionError& error) {
        return error.what();
    }
    FAIL("make_launch_plan accepted the definition");
    return {};
}

}  // namespace taplaunch_test
