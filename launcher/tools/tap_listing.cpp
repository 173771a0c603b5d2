#include "tools/tap_listing.hpp"

#include "host/netlink_socket.hpp"
#include "host/ovs_database.hpp"
#include "host/proc_files.hpp"
#include "launch_error.hpp"
#include "plan/owner_record.hpp"
#include "tools/macvtap_report.hpp"
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
        if ((link.kind != "tun" && link.kind != "macvtap") || !record) {
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
        if (link.kind == "macvtap") {
            const auto lower = names.find(link.lower_ifindex);
            tap.macvtap_lower =
                lower == names.end() ? std::to_string(link.lower_ifindex) : lower->second;
            tap.macvtap_mode = macvtap_mode_text(link.macvlan_mode);
        }
        tap.link = link;
        taps.push_back(std::move(tap));
    }
    std::sort(taps.begin(), taps.end(),
              [](const ListedTap& a, const ListedTap& b) { return a.name < b.name; });
    return taps;
}

namespace {

// An Open vSwitch port row with taplaunch's owner record.
struct ListedOvsPort {
    OvsPortRow row;
    std::optional<OwnerRecord> record;
    bool launcher_running = false;
    bool tap_present = false;  // a TAP of the row's name exists here
};

struct Listing {
    std::vector<ListedTap> taps;
    std::vector<ListedOvsPort> ovs_ports;
};

// The TAPs, and the Open vSwitch rows with taplaunch's record where there is a database to ask
// (a TAP that is such a row's port is named with its OVS bridge).
Listing list_taps_and_ovs_ports()
{
    Listing listing;
    listing.taps = list_taps();
    if (const auto rows = list_taplaunch_ovs_ports()) {
        for (const OvsPortRow& row : *rows) {
            ListedOvsPort port;
            port.row = row;
            port.record = parse_owner_record(row.owner_record);
            port.launcher_running = port.record && process_is_running(port.record->process);
            for (ListedTap& tap : listing.taps) {
                if (tap.name == row.name && !tap.link.master_ifindex) {
                    tap.bridge = row.bridge;
                    tap.open_vswitch = true;
                    port.tap_present = true;
                }
            }
            listing.ovs_ports.push_back(std::move(port));
        }
    }
    return listing;
}

// The lock the record gives, as the port's flags confirm it: "off", "mac", "ip", or the
// recorded mode with "(port unlocked)" when the kernel does not show the port locked.
std::string lock_text(const ListedTap& tap)
{
    const std::string mode(lock_mode_name(tap.record.lock));
    if (tap.record.lock == LockMode::off || tap.link.port_locked.value_or(false)) {
        return mode;
    }
    return mode + " (port unlocked)";
}

std::string json_listing(const Listing& listing)
{
    using json = nlohmann::ordered_json;
    json entries = json::array();
    const AddressesByMac seen = seen_addresses();
    for (const ListedTap& tap : listing.taps) {
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
            {"bridge_kind", tap.bridge.empty() ? json(nullptr)
                            : json(tap.open_vswitch ? "openvswitch" : "linux")},
            {"lock",
             {{"mode", std::string(lock_mode_name(tap.record.lock))},
              {"port_locked", tap.link.port_locked ? json(*tap.link.port_locked) : json(nullptr)},
              {"learning", tap.link.port_learning ? json(*tap.link.port_learning) : json(nullptr)},
              {"unicast_flood", tap.link.port_unicast_flood ? json(*tap.link.port_unicast_flood)
                                                            : json(nullptr)}}},
            {"ipv4", addresses.ipv4 ? json(*addresses.ipv4) : json(nullptr)},
            {"ipv6", addresses.ipv6 ? json(*addresses.ipv6) : json(nullptr)},
            {"macvtap", tap.macvtap_lower ? json{{"lower", *tap.macvtap_lower},
                                                 {"mode", tap.macvtap_mode}}
                                          : json(nullptr)},
        });
    }
    json ports = json::array();
    for (const ListedOvsPort& port : listing.ovs_ports) {
        ports.push_back({
            {"port", port.row.name},
            {"bridge", port.row.bridge.empty() ? json(nullptr) : json(port.row.bridge)},
            {"guest", port.record ? json(port.record->guest) : json(nullptr)},
            {"launcher_pid", port.record ? json(port.record->process.pid) : json(nullptr)},
            {"launcher_running", port.launcher_running},
            {"iface_id", port.row.iface_id},
            {"vlan", port.row.vlan ? json(*port.row.vlan) : json(nullptr)},
            {"tap_present", port.tap_present},
        });
    }
    const json document = {
        {"schema", list_json_schema}, {"taps", entries}, {"ovs_ports", ports}};
    return document.dump(2) + '\n';
}

std::string table(const std::vector<std::vector<std::string>>& rows);

std::string text_listing(const Listing& listing)
{
    std::vector<std::vector<std::string>> rows{
        {"TAP", "BRIDGE", "GUEST", "LAUNCHER", "HELD BY", "TAP MAC", "GUEST MAC", "MTU", "STATE", "LOCK"}};
    for (const ListedTap& tap : listing.taps) {
        std::string attached = tap.bridge.empty() ? "-" : tap.bridge + (tap.open_vswitch ? " (ovs)" : "");
        if (tap.macvtap_lower) {
            attached = *tap.macvtap_lower + " (macvtap " + tap.macvtap_mode + ")";
        }
        rows.push_back({tap.name, attached,
                        tap.guest,
                        std::to_string(tap.record.process.pid) +
                            (tap.launcher_running ? "" : " (gone)"),
                        tap.holder ? std::to_string(*tap.holder) : "-", tap.link.mac.to_string(),
                        tap.record.guest_mac ? tap.record.guest_mac->to_string() : "-",
                        std::to_string(tap.link.mtu), tap.link.up ? "up" : "down", lock_text(tap)});
    }
    std::string text = table(rows);
    if (!listing.ovs_ports.empty()) {
        std::vector<std::vector<std::string>> ports{
            {"OVS PORT", "BRIDGE", "GUEST", "LAUNCHER", "IFACE-ID", "VLAN", "TAP"}};
        for (const ListedOvsPort& port : listing.ovs_ports) {
            ports.push_back(
                {port.row.name, port.row.bridge.empty() ? "-" : port.row.bridge,
                 port.record ? port.record->guest : "-",
                 port.record ? std::to_string(port.record->process.pid) +
                                   (port.launcher_running ? "" : " (gone)")
                             : "-",
                 port.row.iface_id.empty() ? "-" : port.row.iface_id,
                 port.row.vlan ? std::to_string(*port.row.vlan) : "-",
                 port.tap_present ? "here" : "gone (taplaunch gc removes the row)"});
        }
        text += '\n' + table(ports);
    }
    return text;
}

std::string table(const std::vector<std::vector<std::string>>& rows)
{
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
    const Listing listing = list_taps_and_ovs_ports();
    std::cout << (json ? json_listing(listing) : text_listing(listing));
    return 0;
}

}  // namespace taplaunch
