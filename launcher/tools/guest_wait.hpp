#pragma once
// `taplaunch wait GUEST [--timeout SECONDS] [--json]`: blocks until a guest of that --name runs
// and every one of its NICs has been seen using an address (tools/seen_addresses.hpp), then
// prints one address per NIC (IPv4 where seen, else IPv6), or as JSON each NIC's TAP, MAC,
// IPv4 and IPv6. It never asks the guest.

#include <string>

namespace taplaunch {

inline constexpr const char* wait_json_schema = "taplaunch-wait/1";
// What wait does without --timeout.
inline constexpr double default_wait_seconds = 300;

// Returns the exit status: 0 when every NIC was seen; 1 at the timeout (saying whether no guest
// of that name ran or which NIC stayed silent); 2 for a bad --timeout or when several running
// guests share the name (listing them).
int run_guest_wait(const std::string& guest, const std::string& timeout_text, bool json);

}  // namespace taplaunch
