#pragma once
// The NIC keys of a macvtap NIC: macvtap=LOWER and mode=, and which other keys it refuses.

#include <optional>
#include <string>
#include <string_view>

namespace taplaunch {

// How a macvtap passes frames between its guest and the other devices on LOWER
// (IFLA_MACVLAN_MODE): bridge: to each other and out through LOWER; vepa: everything out
// through LOWER (a hairpin-capable switch reflects it); private: never to each other;
// passthru: the one macvtap LOWER may have, which takes LOWER over.
enum class MacvtapMode { bridge, vepa, private_mode, passthru };

// "bridge", "vepa", "private", "passthru".
std::string_view macvtap_mode_name(MacvtapMode mode);

// The mode a mode= value names, or nullopt.
std::optional<MacvtapMode> parse_macvtap_mode(std::string_view text);

// What the user asked for when the NIC is a macvtap on a host interface (macvtap=).
struct MacvtapSpec {
    std::string lower;                         // the host interface (empty: not a macvtap NIC)
    MacvtapMode mode = MacvtapMode::bridge;    // as libvirt's default
    bool mode_given = false;                   // mode= was written
};

// The default name template of a macvtap NIC (as ip link add ... type macvtap names them).
inline constexpr std::string_view default_macvtap_ifname = "macvtap%d";

// The keys a macvtap NIC refuses (what they set is a bridge port's or an Open vSwitch port's),
// each with why, for its error: "isolated", "lock", ... A key not listed: nullopt.
std::optional<std::string_view> key_refused_on_macvtap(std::string_view key);

}  // namespace taplaunch
