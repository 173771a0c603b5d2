#pragma once
// What `taplaunch doctor` says about an Open vSwitch bridge: its kind and MAC, every port with
// its VLAN settings and, for taplaunch's, the guest and whether its taplaunch still runs, and
// stale rows (a port whose device OVS cannot open) with the command that removes them. A pure
// function of what was read.

#include "host/ovs_database.hpp"
#include "plan/link_facts.hpp"
#include "plan/owner_record.hpp"
#include "tools/bridge_report.hpp"

#include <functional>

namespace taplaunch {

// `running` says whether a record's process still runs (process_is_running on a real host).
BridgeReport report_ovs_bridge(const LinkFacts& bridge, const OvsBridgeContents& contents,
                               const std::function<bool(const ProcessIdentity&)>& running);

}  // namespace taplaunch
