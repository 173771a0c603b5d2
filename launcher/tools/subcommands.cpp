#include "tools/subcommands.hpp"

#include "tools/doctor.hpp"
#include "tools/garbage_collector.hpp"
#include "tools/tap_listing.hpp"

#include <algorithm>

namespace taplaunch {

namespace {

const std::vector<Subcommand> table = {
    {"list", "taplaunch list [--json]", "list the TAPs taplaunch made and who holds them",
     run_tap_listing},
    {"gc", "taplaunch gc [--dry-run]", "remove TAPs whose taplaunch no longer runs",
     run_garbage_collector},
    {"doctor", "taplaunch doctor BRIDGE [--strict]",
     "explain a bridge: its MAC, ports, STP, what blocks guest traffic, and the fixes",
     run_doctor},
};

}  // namespace

const std::vector<Subcommand>& subcommands()
{
    return table;
}

const Subcommand* find_subcommand(std::string_view name)
{
    const auto found = std::find_if(table.begin(), table.end(),
                                    [&](const Subcommand& subcommand) { return subcommand.name == name; });
    return found == table.end() ? nullptr : &*found;
}

}  // namespace taplaunch
