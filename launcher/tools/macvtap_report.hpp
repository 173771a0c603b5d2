#pragma once
// What `taplaunch doctor` says about the macvtaps on a host interface: each one's mode, MAC,
// state and, for taplaunch's, the guest and whether its taplaunch still runs; as risks, stale
// ones (their taplaunch is gone) and a lower interface that is down; and why such guests do
// not reach this host through the interface. A pure function of what was read.

#include "plan/link_facts.hpp"
#include "plan/owner_record.hpp"
#include "tools/bridge_report.hpp"

#include <functional>
#include <vector>

namespace taplaunch {

// A macvtap's IFLA_MACVLAN_MODE as its mode= name ("bridge", "vepa", "private", "passthru",
// "source"), or "unknown".
std::string macvtap_mode_text(const std::optional<unsigned>& mode);

// Adds to `report` the lines and risks for `macvtaps` (each on `lower`, in ifindex order).
// `running` says whether a record's process still runs (process_is_running on a real host).
void report_macvtaps(BridgeReport& report, const LinkFacts& lower,
                     const std::vector<LinkFacts>& macvtaps,
                     const std::function<bool(const ProcessIdentity&)>& running);

// The whole report for an interface that is no bridge, with a closing "doctor:" line.
BridgeReport report_macvtap_lower(const LinkFacts& lower, const std::vector<LinkFacts>& macvtaps,
                                  const std::function<bool(const ProcessIdentity&)>& running);

}  // namespace taplaunch
