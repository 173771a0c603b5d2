#pragma once
// The netfilter chains on the FORWARD hook that bridged traffic meets: what br_netfilter hands
// it to (iptables' and nftables' FORWARD chains), and nftables' own bridge family. Read with
// the administrator's own tools, read-only: `nft list ruleset`, else `iptables-nft -S`, and
// `iptables-legacy -S` only where a legacy filter table exists already (listing one would
// create it).

#include "tools/bridge_snapshot.hpp"

#include <string>
#include <vector>

namespace taplaunch {

// br_netfilter's settings and every FORWARD chain, with the rules that accept what enters
// through `bridge`. What cannot be read is listed in `unreadable`.
NetfilterSnapshot read_netfilter(const std::string& bridge);

// The FORWARD-hook chains in `nft list ruleset` output: ip (IPv4), ip6 (IPv6), inet (both),
// bridge (bridged frames, br_netfilter or not).
std::vector<ForwardChain> parse_nft_ruleset(const std::string& listing, const std::string& bridge);

// The FORWARD chain in `TOOL -S` output (iptables syntax) for `family` (IPv4 or IPv6).
std::vector<ForwardChain> parse_iptables_rules(const std::string& listing, const std::string& tool,
                                               const std::string& family, const std::string& bridge);

}  // namespace taplaunch
