#pragma once
// The options QEMU 7.2 knows, and which of them take a value (the next word of argv).

#include <optional>
#include <string_view>

namespace taplaunch {

// Whether QEMU option `name` (without its leading "-" or "--") takes the next word as its
// value; nullopt when QEMU 7.2 has no such option.
std::optional<bool> qemu_option_takes_value(std::string_view name);

}  // namespace taplaunch
