#include "lab/lab_settings.hpp"

#include "launch_error.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <sstream>

namespace taplaunch {

namespace {

std::optional<int> parse_number(const std::string& text)
{
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

std::uint32_t ipv4_value(const std::string& address)
{
    in_addr parsed{};
    ::inet_pton(AF_INET, address.c_str(), &parsed);
    return ntohl(parsed.s_addr);
}

std::string ipv4_text(std::uint32_t value)
{
    in_addr address{htonl(value)};
    char text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &address, text, sizeof text);
    return text;
}

std::uint32_t ipv4_mask(int prefix)
{
    return prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
}

}  // namespace

std::string InterfaceAddress::network() const
{
    if (!ipv6) {
        return ipv4_text(ipv4_value(address) & ipv4_mask(prefix)) + "/" + std::to_string(prefix);
    }
    std::array<unsigned char, 16> bytes{};
    ::inet_pton(AF_INET6, address.c_str(), bytes.data());
    for (int bit = prefix; bit < 128; ++bit) {
        bytes[static_cast<std::size_t>(bit / 8)] &= static_cast<unsigned char>(~(0x80 >> (bit % 8)));
    }
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
    return std::string(text) + "/" + std::to_string(prefix);
}

InterfaceAddress parse_interface_address(const std::string& text, bool ipv6, const std::string& option)
{
    const std::string example = ipv6 ? "fd00:2::1/64" : "10.0.2.1/24";
    const auto refuse = [&](const std::string& problem) {
        throw DefinitionError("lab: " + option + " '" + excerpt(text) + "': " + problem +
                              " (give the bridge's address and prefix, e.g. " + option + " " +
                              example + ")");
    };
    const auto slash = text.find('/');
    if (slash == std::string::npos) {
        refuse("no prefix length");
    }
    InterfaceAddress result;
    result.ipv6 = ipv6;
    result.address = text.substr(0, slash);
    std::array<unsigned char, 16> bytes{};
    if (::inet_pton(ipv6 ? AF_INET6 : AF_INET, result.address.c_str(), bytes.data()) != 1) {
        refuse(std::string("not an ") + (ipv6 ? "IPv6" : "IPv4") + " address");
    }
    // The canonical form, as the kernel and dnsmasq print it.
    char canonical[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(ipv6 ? AF_INET6 : AF_INET, bytes.data(), canonical, sizeof canonical);
    result.address = canonical;
    const auto prefix = parse_number(text.substr(slash + 1));
    const int lowest = ipv6 ? 48 : 8;
    const int highest = ipv6 ? 64 : 30;
    if (!prefix || *prefix < lowest || *prefix > highest) {
        refuse("the prefix length must be " + std::to_string(lowest) + " to " + std::to_string(highest));
    }
    result.prefix = *prefix;
    if (!ipv6) {
        const std::uint32_t host = ipv4_value(result.address) & ~ipv4_mask(result.prefix);
        if (host == 0 || host == ~ipv4_mask(result.prefix)) {
            refuse("that is the subnet's network or broadcast address, not one for the bridge");
        }
    } else if (result.with_prefix() == result.network()) {
        refuse("that is the prefix itself, not an address in it");
    }
    return result;
}

void check_bridge_name(const std::string& name)
{
    const bool bad_character = name.find_first_of("/: \t\n") != std::string::npos;
    if (name.empty() || name.size() > 15 || bad_character || name == "." || name == "..") {
        throw DefinitionError("lab: --bridge '" + excerpt(name) +
                              "' is not an interface name (1 to 15 characters, no '/', ':' or "
                              "blanks; e.g. --bridge br0)");
    }
}

std::vector<std::vector<std::string>> lab_link_commands(const LabSettings& settings)
{
    std::vector<std::vector<std::string>> commands{
        {"link", "set", "lo", "up"},
        {"link", "add", settings.bridge, "type", "bridge"},
        {"addr", "add", settings.ipv4.with_prefix(), "dev", settings.bridge},
    };
    if (settings.ipv6) {
        // nodad: the address is the lab's alone; without it, it is unusable for a second.
        commands.push_back({"-6", "addr", "add", settings.ipv6->with_prefix(), "dev",
                            settings.bridge, "nodad"});
    }
    commands.push_back({"link", "set", settings.bridge, "up"});
    return commands;
}

std::string lab_nat_ruleset(const LabSettings& settings)
{
    std::ostringstream rules;
    const auto table = [&](const char* family, const char* match, const InterfaceAddress& address) {
        rules << "table " << family << " taplaunch_lab {\n"
              << "  chain postrouting {\n"
              << "    type nat hook postrouting priority srcnat; policy accept;\n"
              << "    " << match << " saddr " << address.network() << " oifname != \""
              << settings.bridge << "\" masquerade\n"
              << "  }\n"
              << "}\n";
    };
    table("ip", "ip", settings.ipv4);
    if (settings.ipv6) {
        table("ip6", "ip6", *settings.ipv6);
    }
    return rules.str();
}

std::pair<std::string, std::string> dhcp_range(const InterfaceAddress& ipv4)
{
    const std::uint32_t mask = ipv4_mask(ipv4.prefix);
    const std::uint32_t network = ipv4_value(ipv4.address) & mask;
    const std::uint32_t broadcast = network | ~mask;
    const std::uint32_t bridge = ipv4_value(ipv4.address);
    // After the bridge's address when it is low in the subnet (the usual .1); else from .2 on,
    // and dnsmasq never hands out the bridge's own address.
    std::uint32_t first = bridge + 1 < broadcast && bridge - network < 2 ? bridge + 1 : network + 2;
    if (first == bridge) {
        ++first;
    }
    std::uint32_t last = broadcast - 1;
    if (last == bridge) {
        --last;
    }
    return {ipv4_text(first), ipv4_text(last)};
}

std::vector<std::string> dnsmasq_arguments(const LabSettings& settings, const std::string& lease_file,
                                           const std::string& log_file, bool as_root)
{
    const auto [first, last] = dhcp_range(settings.ipv4);
    std::vector<std::string> args{
        "--keep-in-foreground",
        "--conf-file=/dev/null",
        "--port=0",
        "--no-resolv",
        "--no-hosts",
        "--bind-interfaces",
        "--interface=" + settings.bridge,
        "--except-interface=lo",
        "--dhcp-authoritative",
        "--dhcp-range=" + first + "," + last + ",12h",
        "--dhcp-option=option:router," + settings.ipv4.address,
        "--dhcp-leasefile=" + lease_file,
        "--log-facility=" + log_file,
        "--pid-file",
    };
    if (settings.ipv6) {
        const std::string network = settings.ipv6->network();
        args.push_back("--enable-ra");
        args.push_back("--dhcp-range=" + network.substr(0, network.find('/')) + ",ra-stateless," +
                       std::to_string(settings.ipv6->prefix) + ",12h");
    }
    if (as_root) {
        args.push_back("--user=root");
        // No group change: an empty name makes dnsmasq skip setgroups, which a user namespace
        // of an ordinary user forbids.
        args.push_back("--group=");
    }
    return args;
}

}  // namespace taplaunch
