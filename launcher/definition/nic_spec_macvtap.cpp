#include "definition/nic_spec_macvtap.hpp"

#include <array>
#include <utility>

namespace taplaunch {

namespace {

constexpr std::array<std::pair<MacvtapMode, std::string_view>, 4> mode_names = {{
    {MacvtapMode::bridge, "bridge"},
    {MacvtapMode::vepa, "vepa"},
    {MacvtapMode::private_mode, "private"},
    {MacvtapMode::passthru, "passthru"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 6> refused_keys = {{
    {"isolated", "a macvtap is no bridge port (mode=private keeps macvtap guests apart)"},
    {"lock", "a macvtap is no bridge port, and its lock is not tested there"},
    {"ip", "it goes with lock=, which a macvtap does not take"},
    {"vlan", "VLANs are set on an Open vSwitch port"},
    {"trunks", "VLANs are set on an Open vSwitch port"},
    {"iface_id", "it names an Open vSwitch port"},
}};

}  // namespace

std::string_view macvtap_mode_name(MacvtapMode mode)
{
    for (const auto& [value, name] : mode_names) {
        if (value == mode) {
            return name;
        }
    }
    return "bridge";
}

std::optional<MacvtapMode> parse_macvtap_mode(std::string_view text)
{
    for (const auto& [value, name] : mode_names) {
        if (name == text) {
            return value;
        }
    }
    return std::nullopt;
}

std::optional<std::string_view> key_refused_on_macvtap(std::string_view key)
{
    for (const auto& [name, why] : refused_keys) {
        if (name == key) {
            return why;
        }
    }
    return std::nullopt;
}

}  // namespace taplaunch
