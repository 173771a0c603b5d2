#include "definition/nic_spec_ovs.hpp"

#include "launch_error.hpp"

#include <algorithm>
#include <charconv>

namespace taplaunch {

namespace {

[[noreturn]] void reject(std::string_view spec, const std::string& problem)
{
    throw DefinitionError("nic '" + excerpt(spec, 120) + "': " + problem);
}

std::optional<unsigned> vlan_id(std::string_view text)
{
    unsigned id = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (error != std::errc() || end != text.data() + text.size() || id < min_vlan_id ||
        id > max_vlan_id) {
        return std::nullopt;
    }
    return id;
}

std::string vlan_range()
{
    return std::to_string(min_vlan_id) + " to " + std::to_string(max_vlan_id);
}

}  // namespace

std::string_view OvsPortSpec::first_key() const
{
    if (iface_id) {
        return "iface_id";
    }
    return vlan ? "vlan" : "trunks";
}

bool apply_ovs_nic_key(OvsPortSpec& port, std::string_view key, std::string_view value,
                       std::string_view spec)
{
    if (key == "iface_id") {
        // OVSDB takes any string; a value that a shell, a log line or ovs-vsctl's own
        // argument syntax could misread is refused.
        const bool printable = std::all_of(value.begin(), value.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_' || c == '.' || c == ':';
        });
        if (value.empty() || value.size() > 255 || !printable) {
            reject(spec, "iface_id '" + excerpt(value) +
                             "' is not 1 to 255 of the characters A-Z a-z 0-9 - _ . : (OVN's "
                             "logical port names and UUIDs are)");
        }
        port.iface_id = std::string(value);
        return true;
    }
    if (key == "vlan") {
        port.vlan = vlan_id(value);
        if (!port.vlan) {
            reject(spec, "vlan '" + excerpt(value) + "' is not a VLAN id from " + vlan_range());
        }
        if (!port.trunks.empty()) {
            reject(spec, "vlan= and trunks= together (a port is an access port in one VLAN, "
                         "or a trunk: write one of them)");
        }
        return true;
    }
    if (key == "trunks") {
        std::size_t start = 0;
        while (start <= value.size()) {
            const std::size_t end = std::min(value.find('+', start), value.size());
            const std::string_view item = value.substr(start, end - start);
            const auto id = vlan_id(item);
            if (!id) {
                reject(spec, "trunks '" + excerpt(value) + "': '" + excerpt(item) +
                                 "' is not a VLAN id from " + vlan_range() +
                                 " (write them joined by '+', e.g. trunks=10+20)");
            }
            if (std::find(port.trunks.begin(), port.trunks.end(), *id) != port.trunks.end()) {
                reject(spec, "trunks '" + excerpt(value) + "' names VLAN " + std::to_string(*id) +
                                 " twice");
            }
            port.trunks.push_back(*id);
            start = end + 1;
        }
        if (port.vlan) {
            reject(spec, "vlan= and trunks= together (a port is an access port in one VLAN, "
                         "or a trunk: write one of them)");
        }
        return true;
    }
    return false;
}

}  // namespace taplaunch
