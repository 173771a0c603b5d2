#pragma once
// LabSettings: what `taplaunch lab` was asked for (the bridge, its addresses, --outbound,
// --dhcp) and the commands that build that network inside the lab's namespace. Pure: nothing
// here reads or changes the host, so the commands are unit-tested as text.

#include <optional>
#include <string>
#include <vector>

namespace taplaunch {

// An interface address with its prefix, "10.0.2.1/24" or "fd00:2::1/64".
struct InterfaceAddress {
    std::string address;  // "10.0.2.1"
    int prefix = 0;       // 24
    bool ipv6 = false;
    // "10.0.2.1/24".
    std::string with_prefix() const { return address + "/" + std::to_string(prefix); }
    // The network, "10.0.2.0/24".
    std::string network() const;
};

struct LabSettings {
    std::string bridge = "br0";
    InterfaceAddress ipv4{"10.0.2.1", 24, false};
    std::optional<InterfaceAddress> ipv6;
    bool outbound = false;
    bool dhcp = false;
};

// Parses "ADDR/PREFIX" of the family `ipv6` asks for; throws DefinitionError naming `option`
// and the fix. An IPv4 lab needs a prefix of 8 to 30 (room for the bridge and a guest), an IPv6
// one 48 to 64 (what SLAAC and DHCPv6 ranges expect).
InterfaceAddress parse_interface_address(const std::string& text, bool ipv6, const std::string& option);
// Throws DefinitionError when `name` cannot be a Linux interface name.
void check_bridge_name(const std::string& name);

// Each `ip` command (its arguments after "ip") that makes the lab's network: loopback up, the
// bridge with its addresses, up.
std::vector<std::vector<std::string>> lab_link_commands(const LabSettings& settings);

// The nftables ruleset (nft -f) that masquerades what the bridge's subnets send out of any
// other interface (pasta's), in tables of the lab's namespace.
std::string lab_nat_ruleset(const LabSettings& settings);

// The first and last address dnsmasq hands out on the bridge's IPv4 subnet: from the address
// after the bridge's (at least .2 of the subnet) to the last one before the broadcast address.
std::pair<std::string, std::string> dhcp_range(const InterfaceAddress& ipv4);

// dnsmasq's arguments: DHCP only (no DNS: --port=0) on the bridge, the bridge's address as the
// router, leases in `lease_file`, its log in `log_file`, in the foreground; with IPv6, router
// advertisements for SLAAC and stateless DHCPv6 on the bridge's prefix. `as_root`: stay the
// lab's root (in a user namespace, where dnsmasq's default user is not mapped).
std::vector<std::string> dnsmasq_arguments(const LabSettings& settings, const std::string& lease_file,
                                           const std::string& log_file, bool as_root);

}  // namespace taplaunch
