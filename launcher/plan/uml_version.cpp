#include "plan/uml_version.hpp"

#include <charconv>

namespace taplaunch {

namespace {

std::optional<unsigned> leading_number(std::string_view& text)
{
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc()) {
        return std::nullopt;
    }
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return value;
}

}  // namespace

std::optional<UmlVersion> parse_uml_version(std::string_view text)
{
    const auto major = leading_number(text);
    if (!major || !text.starts_with('.')) {
        return std::nullopt;
    }
    text.remove_prefix(1);
    const auto minor = leading_number(text);
    if (!minor) {
        return std::nullopt;
    }
    return UmlVersion{*major, *minor};
}

std::string to_string(UmlVersion version)
{
    return std::to_string(version.major) + "." + std::to_string(version.minor);
}

}  // namespace taplaunch
