#pragma once
// QEMU's JSON form of an option's value (-netdev '{"type":"user","id":"n0"}', also -device,
// -object, -blockdev, ...): what taplaunch reads of it.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace taplaunch {

// Whether QEMU reads `value` as JSON rather than as an option list: it starts with '{'.
bool is_qemu_json_option(std::string_view value);

// The top-level members of the JSON object `text` whose values are strings (nested values are
// read and skipped), read as QEMU reads JSON: strings in "..." or '...', \' an escape in both.
// nullopt when `text` is not exactly one JSON object: QEMU rejects it then.
std::optional<std::map<std::string, std::string>> json_object_string_members(
    std::string_view text);

}  // namespace taplaunch
