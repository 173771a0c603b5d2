#include "definition/auto_on_off.hpp"

namespace taplaunch {

std::string_view to_string(AutoOnOff value)
{
    switch (value) {
    case AutoOnOff::automatic:
        return "auto";
    case AutoOnOff::on:
        return "on";
    case AutoOnOff::off:
        return "off";
    }
    return "?";
}

std::optional<AutoOnOff> parse_auto_on_off(std::string_view text)
{
    if (text == "auto") {
        return AutoOnOff::automatic;
    }
    if (const std::optional<bool> on = parse_on_off(text)) {
        return *on ? AutoOnOff::on : AutoOnOff::off;
    }
    return std::nullopt;
}

std::optional<bool> parse_on_off(std::string_view text)
{
    if (text == "on") {
        return true;
    }
    if (text == "off") {
        return false;
    }
    return std::nullopt;
}

}  // namespace taplaunch
