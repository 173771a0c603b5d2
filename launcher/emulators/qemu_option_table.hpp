#pragma once
// The options QEMU 7.2 knows, and which of them take a value (the next word of argv).

#include <optional>
#include <string_view>
#include <vector>

namespace taplaunch {

// Whether QEMU option `name` (without its leading "-" or "--") takes the next word as its
// value; nullopt when QEMU 7.2 has no such option.
std::optional<bool> qemu_option_takes_value(std::string_view name);

// Every option name of the table, in qemu-options.hx's order.
std::vector<std::string_view> qemu_table_option_names();

// Whether QEMU 7.2 gives option `name` no line in its -help (empty help text in
// qemu-options.hx, e.g. -qtest), so a -help that does not list it says nothing about it.
bool qemu_option_hidden_from_help(std::string_view name);

}  // namespace taplaunch
