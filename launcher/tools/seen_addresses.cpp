#include "tools/seen_addresses.hpp"

#include "host/program_output.hpp"
#include "lab/lab_init.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace taplaunch {

namespace {

std::optional<std::string> normalized_mac(const std::string& text)
{
    const auto mac = MacAddress::parse(text);
    return mac ? std::optional(mac->to_string()) : std::nullopt;
}

bool link_local_ipv6(const std::string& address)
{
    return address.size() >= 4 && (address.compare(0, 4, "fe80") == 0 || address.compare(0, 4, "FE80") == 0);
}

}  // namespace

void add_neighbour_entries(std::string_view ip_json, AddressesByMac& seen)
{
    const auto entries = nlohmann::json::parse(ip_json, nullptr, false);
    if (!entries.is_array()) {
        return;
    }
    for (const auto& entry : entries) {
        if (!entry.is_object() || !entry.contains("dst") || !entry.contains("lladdr") ||
            !entry["dst"].is_string() || !entry["lladdr"].is_string()) {
            continue;
        }
        bool usable = true;
        if (entry.contains("state") && entry["state"].is_array()) {
            for (const auto& state : entry["state"]) {
                if (state == "FAILED" || state == "INCOMPLETE") {
                    usable = false;
                }
            }
        }
        const auto mac = normalized_mac(entry["lladdr"].get<std::string>());
        const std::string address = entry["dst"].get<std::string>();
        if (!usable || !mac) {
            continue;
        }
        SeenAddresses& addresses = seen[*mac];
        if (address.find(':') != std::string::npos) {
            if (!link_local_ipv6(address) && !addresses.ipv6) {
                addresses.ipv6 = address;
            }
        } else if (!addresses.ipv4) {
            addresses.ipv4 = address;
        }
    }
}

void add_dnsmasq_leases(std::string_view leases, AddressesByMac& seen)
{
    std::istringstream lines{std::string(leases)};
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string expiry, mac_text, address;
        if (!(words >> expiry >> mac_text >> address) || address.find(':') != std::string::npos) {
            continue;
        }
        if (const auto mac = normalized_mac(mac_text)) {
            seen[*mac].ipv4 = address;
        }
    }
}

AddressesByMac seen_addresses()
{
    using namespace std::chrono_literals;
    AddressesByMac seen;
    if (const char* leases = std::getenv(lab_leases_variable); leases && *leases) {
        std::ifstream file(leases);
        std::ostringstream text;
        text << file.rdbuf();
        add_dnsmasq_leases(text.str(), seen);
    }
    static const std::optional<std::string> ip =
        find_program("ip", {"/usr/sbin", "/sbin", "/usr/bin", "/bin"});
    if (ip) {
        if (const auto output = run_program(*ip, {"-j", "neigh", "show"}, 5s);
            output && output->status == 0) {
            add_neighbour_entries(output->out, seen);
        }
    }
    return seen;
}

}  // namespace taplaunch
