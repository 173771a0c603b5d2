#pragma once
// `taplaunch list [--json]`: every TAP taplaunch made in this network namespace that still
// exists, with its guest, the taplaunch process that made it, the process holding it, its
// bridge, TAP and guest MAC, MTU and state (what libvirt's domiflist tells for its guests).

#include "plan/link_facts.hpp"
#include "plan/owner_record.hpp"

#include <optional>
#include <string>
#include <vector>

namespace taplaunch {

// One TAP that taplaunch made, as list shows it.
struct ListedTap {
    std::string name;
    std::string guest;
    OwnerRecord record;
    bool launcher_running = false;
    std::optional<int> holder;
    std::string bridge;  // empty: not attached
    bool open_vswitch = false;  // the bridge is an Open vSwitch bridge (the TAP is its port)
    std::optional<std::string> macvtap_lower;  // a macvtap: the host interface it is on
    std::string macvtap_mode;                  // a macvtap's mode: "bridge", "vepa", ...
    LinkFacts link;
};

// Every TAP with an owner record in this network namespace, by name.
std::vector<ListedTap> list_taps();

inline constexpr const char* list_json_schema = "taplaunch-list/1";

// Runs the list subcommand (`json`: as taplaunch-list/1). Returns the exit status.
int run_tap_listing(bool json);

}  // namespace taplaunch
