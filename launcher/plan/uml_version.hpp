#pragma once
// The version a UML binary reports (`linux --version` prints its kernel's: "6.1.176"), as far
// as planning compares it: what UML can do changes with its kernel release.

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace taplaunch {

struct UmlVersion {
    unsigned major = 0;
    unsigned minor = 0;
    auto operator<=>(const UmlVersion&) const = default;
};

// "6.12.48" -> {6, 12}; nullopt when `text` does not start with N.N.
std::optional<UmlVersion> parse_uml_version(std::string_view text);

// "6.16"
std::string to_string(UmlVersion version);

}  // namespace taplaunch
