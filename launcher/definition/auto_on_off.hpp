#pragma once
// AutoOnOff: a setting that taplaunch decides (auto) unless the user says on or off, as
// vnet_hdr=, vhost= and --uml-xstate-adapter are; and the one reader of its words.

#include <optional>
#include <string_view>

namespace taplaunch {

enum class AutoOnOff {
    automatic,  // taplaunch decides from the model and the host
    on,         // required: an error where the host cannot give it
    off,
};

// "auto", "on" or "off".
std::string_view to_string(AutoOnOff value);
// The value `text` names, or nullopt when it is none of auto, on, off.
std::optional<AutoOnOff> parse_auto_on_off(std::string_view text);
// true for "on", false for "off", nullopt for anything else (a setting without auto).
std::optional<bool> parse_on_off(std::string_view text);

}  // namespace taplaunch
