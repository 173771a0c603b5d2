#pragma once
// The message parse_nic_spec throws for a NIC SPEC text, for the tests of its refusals.

#include "definition/nic_spec.hpp"
#include "launch_error.hpp"

#include "catch_compat.hpp"

#include <string>

// The message parse_nic_spec throws for `text`; fails the case if it accepts it.
inline std::string nic_error(const std::string& text)
{
    try {
        taplaunch::parse_nic_spec(text);
    } catch (const taplaunch::DefinitionError& error) {
        return error.what();
    }
    FAIL("parse_nic_spec accepted '" << text << "'");
    return {};
}
