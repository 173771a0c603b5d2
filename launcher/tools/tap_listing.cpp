#include "tools/tap_listing.hpp"

#include "host/netlink_socket.hpp"
#include "host/proc_files.hpp"
#include "launch_error.hpp"
#include "plan/owner_record.hpp"
#include "tools/seen_addresses.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

namespace taplaunch {

std::vector<ListedTap> list_taps()
{
    const NetlinkSocket netlink = NetlinkSocket::connect();
    const std::vector<LinkFacts> links = netlink.list_links();
    std::map<int, std::string> names;
    for (const LinkFacts& link : links) {
        names[link.ifindex] = link.name;
    }
    const std::map<std::string, int> holders = tap_holders();
    std::vector<ListedTap> taps;
    for (const LinkFacts& link : links) {
        const auto record = parse_owner_record(link.alias);
        if (link.kind != "tun" || !record) {
            continue;
        }
        ListedTap tap;
        tap.name = link.name;
        tap.guest = record->guest;
        tap.record = *record;
        tap.launcher_running = process_is_running(record->process);
        if (const auto holder = holders.find(link.name); holder != holders.end()) {
            tap.holder = holder->second;
        }
        if (link.master_ifindex) {
            const auto master = names.find(link.master_ifindex);
            tap.bridge = master == names.end() ? std::to_string(link.master_ifindex) : master->second;
        }
        tap.link = link;
        taps.push_back(std::move(tap));
    }
    std::sort(taps.begin(), taps.end(),
              [](const ListedTap& a, const ListedTap& b) { return a.name < b.name; });
    return taps;
}

namespace {

std::string json_listing(const std::vector<ListedTap>& taps)
{
    using json = nlohmann::ordered_json;
    json entries = json::array();
    const AddressesByMac seen = seen_addresses();
    for (const ListedTap& tap : taps) {
        SeenAddresses addresses;
        if (tap.record.guest_mac) {
            if (const auto found = seen.find(tap.record.guest_mac->to_string()); found != seen.end()) {
                addresses = found->second;
            }
        }
        entries.push_back({
            {"tap", tap.name},
            {"guest", tap.guest},
            {"launcher_pid", tap.record.process.pid},
            {"launcher_running", tap.launcher_running},
            {"held_by_pid", tap.holder ? json(*tap.holder) : json(nullptr)},
            {"bridge", tap.bridge.empty() ? json(nullptr) : json(tap.bridge)},
            {"tap_mac", tap.link.mac.to_string()},
            {"guest_mac",
             tap.record.guest_mac ? json(tap.record.guest_mac->to_string()) : json(nullptr)},
            {"mtu", tap.link.mtu},
            {"up", tap.link.up},
            {"ipv4", addresses.ipv4 ? json(*addresses.ipv4) : json(nullptr)},
            {"ipv6", addresses.ipv6 ? json(*addresses.ipv6) : json(nullptr)},
        });
    }
    const json document = {{"schema", list_json_schema}, {"taps", entries}};
    return document.dump(2) + '\n';
}

std::string text_listing(const std::vector<ListedTap>& taps)
{
    std::vector<std::vector<std::string>> rows{
        {"TAP", "BRIDGE", "GUEST", "LAUNCHER", "HELD BY", "TAP MAC", "GUEST MAC", "MTU", "STATE"}};
    for (const ListedTap& tap : taps) {
        rows.push_back({tap.name, tap.bridge.empty() ? "-" : tap.bridge, tap.guest,
                        std::to_string(tap.record.process.pid) +
                            (tap.launcher_running ? "" : " (gone)"),
                        tap.holder ? std::to_string(*tap.holder) : "-", tap.link.mac.to_string(),
                        tap.record.guest_mac ? tap.record.guest_mac->to_string() : "-",
                        std::to_string(tap.link.mtu), tap.link.up ? "up" : "down"});
    }
    std::vector<std::size_t> widths(rows.front().size(), 0);
    for (const auto& row : rows) {
        for (std::size_t column = 0; column < row.size(); ++column) {
            widths[column] = std::max(widths[column], row[column].size());
        }
    }
    std::ostringstream text;
    for (const auto& row : rows) {
        for (std::size_t column = 0; column < row.size(); ++column) {
            const bool last = column + 1 == row.size();
            text << (last ? row[column]
                          : row[column] + std::string(widths[column] - row[column].size() + 2, ' '));
        }
        text << '\n';
    }
    return text.str();
}

}  // namespace

int run_tap_listing(bool json)
{
    const std::vector<ListedTap> taps = list_taps();
    std::cout << (json ? json_listing(taps) : text_listing(taps));
    return 0;
}

}  // namespace taplaunch
