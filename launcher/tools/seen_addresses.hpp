#pragma once
// The addresses guests have been seen using, by guest MAC, from what the host keeps without
// asking the guest: the kernel's neighbour table (every entry with a link-layer address that
// is not failed) and a lab's dnsmasq leases. Link-local IPv6 addresses are left out: they say
// nothing a job can use without the interface.

#include "definition/mac_address.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace taplaunch {

struct SeenAddresses {
    std::optional<std::string> ipv4;
    std::optional<std::string> ipv6;
};

using AddressesByMac = std::map<std::string, SeenAddresses>;  // key: MAC, lower-case colon form

// Adds what `ip -j neigh show` printed (JSON) to `seen`; a lease wins over a neighbour entry for
// IPv4 (it is the address the guest was given).
void add_neighbour_entries(std::string_view ip_json, AddressesByMac& seen);
// Adds dnsmasq's lease file text ("EXPIRY MAC ADDRESS HOSTNAME CLIENT-ID" per line; IPv6 lines
// follow a "duid" line and carry no MAC, so they are skipped).
void add_dnsmasq_leases(std::string_view leases, AddressesByMac& seen);

// Both sources as they are now: this network namespace's neighbour table, and the leases of the
// lab this runs in (the file $TAPLAUNCH_LAB_LEASES names), if any.
AddressesByMac seen_addresses();

}  // namespace taplaunch
