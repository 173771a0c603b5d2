#pragma once
// PortLock: what a guest may send through its TAP (the NIC keys lock= and ip=).

#include "definition/ip_address.hpp"

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace taplaunch {

// off: the port forwards whatever the guest sends. mac: only frames from the guest's MAC, ARP
// only with that sender MAC; the bridge learns nothing else on the port and floods no unknown
// unicast to it. ip: mac, and only the guest's own IPv4/IPv6 source addresses (ip=, the
// link-local address made from its MAC, and the unspecified address for DHCP and DAD), no
// router advertisements, redirects or DHCP/DHCPv6 server messages.
enum class LockMode { off, mac, ip };

// The most addresses one NIC's ip= lists (each costs a few filter instructions twice).
inline constexpr std::size_t max_lock_addresses = 32;

struct PortLock {
    LockMode mode = LockMode::off;
    std::vector<IpAddress> addresses;  // ip=, in the order written
};

// "off", "mac", "ip".
std::string_view lock_mode_name(LockMode mode);
// The mode for "off", "mac" or "ip"; nullopt for anything else.
std::optional<LockMode> parse_lock_mode(std::string_view text);

}  // namespace taplaunch
