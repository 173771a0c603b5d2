#pragma once
// QEMU's option-list syntax (QemuOpts): "bridge,id=n0,br=br0", with ",," for a comma inside
// a value and an implied name for a leading bare value.

#include <string>
#include <string_view>
#include <vector>

namespace taplaunch {

// One "key=value" of an option list.
struct QemuOptionParameter {
    std::string key;       // for a leading bare value, the implied key ("type", "driver")
    std::string value;     // ",," read as ","; a bare "flag" is "on", a bare "noflag" is "off"
    std::string text;      // as written, escapes kept, without the comma that ends it
    bool implied = false;  // the leading bare value of an option with an implied first key
};

// Splits `text` as QEMU 7.2's QemuOpts does: parameters are separated by single commas; a
// value reads ",," as a comma; a name ends at '=' or ','. When the first parameter has no '='
// before its first comma and `implied_key` is not empty, it is the value of `implied_key`
// (-netdev bridge,... is type=bridge; -device e1000,... is driver=e1000). Other parameters
// without '=' are flags. Never fails: QEMU itself judges what the keys mean.
std::vector<QemuOptionParameter> parse_qemu_option_list(std::string_view text,
                                                        std::string_view implied_key);

// The parameters named `key`, in order.
std::vector<const QemuOptionParameter*> find_qemu_parameters(
    const std::vector<QemuOptionParameter>& parameters, std::string_view key);

// `value` with every comma doubled, to stand as one value in an option list.
std::string escape_qemu_option_value(std::string_view value);

// `list` with `parameter` ("mac=52:54:00:12:34:56") added at the end: after a separating
// comma, unless `list` is empty or already ends with one (an odd run of trailing commas; an
// even run is escaped commas inside the last value).
std::string append_qemu_option_parameter(std::string_view list, std::string_view parameter);

}  // namespace taplaunch
