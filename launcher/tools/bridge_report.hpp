#pragma once
// What `taplaunch doctor` says about a bridge: its MAC and who holds it, every port, STP,
// isolation, what silently blocks guest traffic, and each risk with the command that fixes
// it. A pure function of a BridgeSnapshot.

#include "tools/bridge_snapshot.hpp"

#include <string>
#include <vector>

namespace taplaunch {

struct BridgeRisk {
    std::string problem;  // one line, starting with its topic: "MAC: ...", "MTU: ...", ...
    std::string fix;      // a command that fixes it
};

struct BridgeReport {
    std::vector<std::string> lines;  // the report, risks included, a line each
    std::vector<BridgeRisk> risks;
};

BridgeReport report_bridge(const BridgeSnapshot& snapshot);

// The share (0..1) of MACs the kernel chooses at random (locally administered, unicast) that
// sort below `mac`: how often a port joining with such a MAC takes a bridge's MAC from a port
// with `mac`.
double share_of_random_macs_below(const MacAddress& mac);

}  // namespace taplaunch
