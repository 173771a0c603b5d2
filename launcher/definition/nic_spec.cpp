#include "definition/nic_spec.hpp"

#include "launch_error.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <vector>

namespace taplaunch {

namespace {

std::vector<std::string_view> split(std::string_view text, char separator)
{
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

[[noreturn]] void reject(std::string_view spec, const std::string& problem)
{
    throw DefinitionError("nic '" + excerpt(spec, 120) + "': " + problem);
}

MacAddress parse_guest_mac(std::string_view spec, std::string_view value)
{
    const auto mac = MacAddress::parse(value);
    if (!mac) {
        reject(spec, "malformed mac '" + std::string(value) +
                         "' (write six hex bytes separated by colons, e.g. mac=52:54:00:12:34:56)");
    }
    if (mac->is_multicast()) {
        reject(spec, "mac " + mac->to_string() +
                         " is a multicast address (the first byte must be even, e.g. 52:54:00:...)");
    }
    if (mac->is_zero()) {
        reject(spec, "mac 00:00:00:00:00:00 is not a usable address (pick another, or drop mac= "
                     "for a stable default)");
    }
    return *mac;
}

unsigned parse_mtu(std::string_view spec, std::string_view value)
{
    unsigned mtu = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), mtu);
    if (error != std::errc() || end != value.data() + value.size()) {
        reject(spec, "mtu '" + std::string(value) + "' is not a number (a TAP takes " +
                         std::to_string(min_tap_mtu) + " to " + std::to_string(max_tap_mtu) + ")");
    }
    if (mtu < min_tap_mtu || mtu > max_tap_mtu) {
        reject(spec, "mtu " + std::string(value) + " is out of range: a TAP takes " +
                         std::to_string(min_tap_mtu) + " to " + std::to_string(max_tap_mtu) +
                         " (the TUN driver's limit is 65535 less the 14-byte Ethernet header)");
    }
    return mtu;
}

VnetHdrMode parse_vnet_hdr(std::string_view spec, std::string_view value)
{
    if (const std::optional<AutoOnOff> mode = parse_auto_on_off(value)) {
        return *mode;
    }
    reject(spec, "vnet_hdr '" + std::string(value) + "' is not one of auto, on, off");
}

unsigned parse_queues(std::string_view spec, std::string_view value)
{
    unsigned queues = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), queues);
    if (error != std::errc() || end != value.data() + value.size() || queues < 1 ||
        queues > max_tap_queues) {
        reject(spec, "queues '" + std::string(value) + "' is not a number from 1 to " +
                         std::to_string(max_tap_queues));
    }
    return queues;
}

VhostMode parse_vhost(std::string_view spec, std::string_view value)
{
    if (const std::optional<AutoOnOff> mode = parse_auto_on_off(value)) {
        return *mode;
    }
    reject(spec, "vhost '" + std::string(value) + "' is not one of auto, on, off");
}

bool parse_on_off(std::string_view spec, std::string_view key, std::string_view value)
{
    if (const std::optional<bool> on = taplaunch::parse_on_off(value)) {
        return *on;
    }
    reject(spec, std::string(key) + " '" + std::string(value) + "' is not one of on, off");
}

LockMode parse_lock(std::string_view spec, std::string_view value)
{
    if (const std::optional<LockMode> mode = parse_lock_mode(value)) {
        return *mode;
    }
    reject(spec, "lock '" + std::string(value) + "' is not one of off, mac, ip");
}

std::vector<IpAddress> parse_lock_addresses(std::string_view spec, std::string_view value)
{
    std::vector<IpAddress> addresses;
    for (std::string_view part : split(value, '+')) {
        const std::optional<IpAddress> address = IpAddress::parse(part);
        if (!address) {
            const bool prefix = part.find('/') != std::string_view::npos;
            reject(spec, "ip '" + excerpt(part) + "' is not an IPv4 or IPv6 address" +
                             (prefix ? " (write the guest's address without a prefix, e.g. "
                                       "ip=10.0.0.50)"
                                     : " (e.g. ip=10.0.0.50+fd00::50, addresses joined by '+')"));
        }
        if (address->is_unspecified() || address->is_multicast()) {
            reject(spec, "ip " + address->to_string() +
                             " is not a guest's own address (the unspecified address is always "
                             "allowed for DHCP and DAD; multicast is never a source)");
        }
        if (std::find(addresses.begin(), addresses.end(), *address) != addresses.end()) {
            reject(spec, "ip " + address->to_string() + " is given twice");
        }
        addresses.push_back(*address);
    }
    if (addresses.size() > max_lock_addresses) {
        reject(spec, "ip= lists " + std::to_string(addresses.size()) +
                         " addresses; a NIC takes at most " + std::to_string(max_lock_addresses));
    }
    return addresses;
}

std::string parse_model(std::string_view spec, std::string_view value)
{
    const bool valid = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.';
    });
    if (!valid) {
        reject(spec, "model '" + std::string(value) +
                         "' is not a device name (use virtio, or a QEMU NIC such as e1000, "
                         "rtl8139, vmxnet3; 'qemu-system-x86_64 -device help' lists them)");
    }
    return std::string(value);
}

}  // namespace

std::optional<std::string> ifname_problem(std::string_view name, bool template_allowed)
{
    if (name.empty()) {
        return "is empty";
    }
    if (name.size() > max_ifname_length) {
        return "is " + std::to_string(name.size()) + " bytes long; the kernel allows at most " +
               std::to_string(max_ifname_length);
    }
    if (name == "." || name == "..") {
        return "is not a valid interface name";
    }
    for (char c : name) {
        if (c == '/' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
            c == '\v' || c == '\f' || c == '=' || c == ',') {
            return "contains '" + std::string(1, c) +
                   "' (interface names may not contain '/', ':', ',', '=' or white space)";
        }
        // The kernel also takes control characters and bytes above 0x7f (some of which it
        // counts as white space); names that no terminal shows as written are refused.
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7f) {
            return "contains a control character or a byte outside ASCII (interface names "
                   "here are printable ASCII)";
        }
    }
    const std::size_t percent = name.find('%');
    if (percent != std::string_view::npos) {
        if (!template_allowed) {
            return "contains '%' (only a TAP name may be a template)";
        }
        if (name.substr(percent, 2) != "%d" || name.find('%', percent + 1) != std::string_view::npos) {
            return "is a template with something other than a single %d";
        }
    }
    return std::nullopt;
}

namespace {

using KeyApplier = void (*)(NicSpec& spec, std::string_view text, std::string_view value);

const std::vector<NicSpecKey> nic_keys = {
    {"bridge", "bridge=NAME", "an existing Linux or Open vSwitch bridge (or macvtap=)"},
    {"mac", "mac=52:54:00:..", "the guest's MAC (default: stable, from --name and the NIC index)"},
    {"model", "model=virtio", "virtio (virtio-net-pci) or a QEMU NIC device (e1000, vmxnet3, ...)"},
    {"ifname", "ifname=tap%d", "the TAP's name or a %d template (at most 15 bytes)"},
    {"mtu", "mtu=N", "68..65521 (default: the bridge's MTU)"},
    {"vnet_hdr", "vnet_hdr=auto|on|off", "virtio-net header on the TAP (auto: for models that use it)"},
    {"queues", "queues=N", "1..64 TAP queues for a virtio NIC (multiqueue; default 1)"},
    {"vhost", "vhost=auto|on|off", "vhost-net for a virtio NIC (auto: when /dev/vhost-net opens)"},
    {"isolated", "isolated=on|off",
     "isolated bridge port: no frames to other isolated ports (default off)"},
    {"iface_id", "iface_id=ID", "Open vSwitch: external_ids:iface-id (default: GUEST-nicN)"},
    {"vlan", "vlan=N", "Open vSwitch: an access port in VLAN N (1..4094)"},
    {"trunks", "trunks=N+M", "Open vSwitch: a trunk port carrying VLANs N, M, ..."},
    {"lock", "lock=off|mac|ip",
     "what the guest may send: mac: only its own MAC; ip: also only its ip= (default off)"},
    {"ip", "ip=ADDR[+ADDR...]", "the guest's IPv4/IPv6 addresses for lock=ip, joined by '+'"},
    {"macvtap", "macvtap=LOWER",
     "instead of bridge=: a macvtap on host interface LOWER, with the guest's MAC"},
    {"mode", "mode=bridge|vepa|private|passthru", "the macvtap's mode (default bridge)"},
};

// How each key's value lands in the spec, in the order of nic_keys.
const std::vector<std::pair<std::string_view, KeyApplier>> appliers = {
    {"bridge",
     [](NicSpec& spec, std::string_view text, std::string_view value) {
         if (const auto problem = ifname_problem(value, false)) {
             reject(text, "bridge name '" + excerpt(value) + "' " + *problem);
         }
         spec.bridge = value;
     }},
    {"macvtap",
     [](NicSpec& spec, std::string_view text, std::string_view value) {
         if (const auto problem = ifname_problem(value, false)) {
             reject(text, "macvtap interface name '" + excerpt(value) + "' " + *problem);
         }
         spec.macvtap.lower = value;
     }},
    {"mode",
     [](NicSpec& spec, std::string_view text, std::string_view value) {
         const std::optional<MacvtapMode> mode = parse_macvtap_mode(value);
         if (!mode) {
             reject(text, "mode '" + excerpt(value) +
                              "' is not one of bridge, vepa, private, passthru");
         }
         spec.macvtap.mode = *mode;
         spec.macvtap.mode_given = true;
     }},
    {"mac",
     [](NicSpec& spec, std::string_view text, std::string_view value) {
         spec.guest_mac = parse_guest_mac(text, value);
     }},
    {"model",
     [](NicSpec& spec, std::string_view text, std::string_view value) {
         spec.model = parse_model(text, value);
         spec.model_given = true;
     }},
    {"ifname",
     [](NicSpec& spec, std::string_view text, std::string_view value) {
         if (const auto problem = ifname_problem(value, true)) {
             reject(text, "ifname '" + excerpt(value) + "' " + *problem);
         }
         spec.ifname = value;
     }},
    {"mtu",
     [](NicSpec& spec, std::string_view text, std::string_view value) {
         spec.mtu = parse_mtu(text, value);
     }},
    {"vnet_hdr",
     [](NicSpec& spec, std::string_view text, std::string_view value) {
         spec.vnet_hdr = parse_vnet_hdr(text, value);
     }},
    {"queues",
     [](NicSpec& spec, std::string_view text, std::string_view value) {
         spec.queues = parse_queues(text, value);
         spec.queues_given = true;
     }},
    {"vhost",
     [](NicSpec& spec, std::string_view text, std::string_view value) {
         spec.vhost = parse_vhost(text, value);
         spec.vhost_given = true;
     }},
    {"isolated",
     [](NicSpec& spec, std::string_view text, std::string_view value) {
         spec.isolated = parse_on_off(text, "isolated", value);
     }},
    {"lock",
     [](NicSpec& spec, std::string_view text, std::string_view value) {
         spec.lock.mode = parse_lock(text, value);
     }},
    {"ip",
     [](NicSpec& spec, std::string_view text, std::string_view value) {
         spec.lock.addresses = parse_lock_addresses(text, value);
     }},
};

std::string known_keys()
{
    std::string names;
    for (const NicSpecKey& key : nic_keys) {
        names += (names.empty() ? "" : ", ") + std::string(key.name);
    }
    return names;
}

}  // namespace

const std::vector<NicSpecKey>& nic_spec_keys()
{
    return nic_keys;
}

NicSpec parse_nic_spec(std::string_view text)
{
    NicSpec spec;
    std::set<std::string_view> seen_keys;
    if (text.empty()) {
        reject(text, "is empty (write at least bridge=NAME)");
    }
    for (std::string_view item : split(text, ',')) {
        const std::size_t equals = item.find('=');
        if (equals == std::string_view::npos) {
            reject(text, "'" + std::string(item) + "' is not key=value (known keys: " +
                             known_keys() + ")");
        }
        const std::string_view key = item.substr(0, equals);
        const std::string_view value = item.substr(equals + 1);
        if (!seen_keys.insert(key).second) {
            reject(text, "key '" + std::string(key) + "' is given twice");
        }
        if (apply_ovs_nic_key(spec.ovs, key, value, text)) {
            continue;
        }
        const auto applier = std::find_if(appliers.begin(), appliers.end(),
                                          [&](const auto& entry) { return entry.first == key; });
        if (applier == appliers.end()) {
            reject(text, "unknown key '" + std::string(key) + "' (known keys: " + known_keys() +
                             ")");
        }
        applier->second(spec, text, value);
    }
    if (!spec.bridge.empty() && !spec.macvtap.lower.empty()) {
        reject(text, "bridge= and macvtap= together (a NIC is a TAP on a bridge or a macvtap on "
                     "a host interface: write one of them)");
    }
    if (spec.bridge.empty() && spec.macvtap.lower.empty()) {
        reject(text, "no bridge (add bridge=NAME, e.g. bridge=br0, or macvtap=LOWER for a "
                     "macvtap on host interface LOWER)");
    }
    if (spec.macvtap.lower.empty() && spec.macvtap.mode_given) {
        reject(text, "mode= applies to a macvtap NIC only (add macvtap=LOWER, or drop mode=)");
    }
    if (!spec.macvtap.lower.empty()) {
        for (std::string_view key : seen_keys) {
            if (const auto why = key_refused_on_macvtap(key)) {
                reject(text, std::string(key) + "= does not apply to a macvtap NIC (" +
                                 std::string(*why) + "): drop it, or use bridge=");
            }
        }
        if (!seen_keys.contains("ifname")) {
            spec.ifname = default_macvtap_ifname;
        }
    }
    if (spec.lock.mode == LockMode::ip && spec.lock.addresses.empty()) {
        reject(text, "lock=ip needs the guest's addresses (add ip=ADDRESS[+ADDRESS...], e.g. "
                     "ip=10.0.0.50+fd00::50; with DHCP, reserve one for the guest's MAC, or use "
                     "lock=mac)");
    }
    if (spec.lock.mode != LockMode::ip && !spec.lock.addresses.empty()) {
        reject(text, "ip= is only for lock=ip (add lock=ip, or drop ip=)");
    }
    return spec;
}

}  // namespace taplaunch
