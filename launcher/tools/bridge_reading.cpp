#include "tools/bridge_reading.hpp"

#include "host/proc_files.hpp"
#include "launch_error.hpp"
#include "tools/netfilter_chains.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

namespace taplaunch {

namespace {

std::optional<long> read_sysfs_number(const std::string& name, const char* attribute)
{
    std::ifstream file("/sys/class/net/" + name + "/" + attribute);
    long value = 0;
    if (!(file >> value)) {
        return std::nullopt;
    }
    return value;
}

// Whether /sys/class/net shows this network namespace: after a plain `unshare -n` it still
// shows the old one (only `ip netns exec` mounts a new sysfs). It does when it lists exactly
// the links netlink reports, each with netlink's ifindex.
bool sysfs_shows(const std::vector<LinkDetails>& links)
{
    std::error_code error;
    std::size_t entries = 0;
    for (std::filesystem::directory_iterator entry("/sys/class/net", error), end;
         !error && entry != end; entry.increment(error)) {
        ++entries;
    }
    if (error || entries != links.size()) {
        return false;
    }
    return std::all_of(links.begin(), links.end(), [](const LinkDetails& link) {
        return read_sysfs_number(link.link.name, "ifindex") == link.link.ifindex;
    });
}

MacOrigin mac_origin_of(const std::string& name, bool sysfs_is_ours)
{
    if (!sysfs_is_ours) {
        return MacOrigin::unknown;
    }
    // addr_assign_type: NET_ADDR_PERM 0, NET_ADDR_RANDOM 1, NET_ADDR_STOLEN 2, NET_ADDR_SET 3.
    switch (read_sysfs_number(name, "addr_assign_type").value_or(-1)) {
    case 0:
        return MacOrigin::permanent;
    case 1:
        return MacOrigin::random;
    case 2:
        return MacOrigin::stolen;
    case 3:
        return MacOrigin::set;
    default:
        return MacOrigin::unknown;
    }
}

}  // namespace

BridgeSnapshot read_bridge_snapshot(const NetlinkSocket& netlink, const std::string& bridge_name)
{
    std::vector<LinkDetails> links = netlink.list_link_details();
    const auto bridge = std::find_if(links.begin(), links.end(), [&](const LinkDetails& link) {
        return link.link.name == bridge_name;
    });
    if (bridge == links.end()) {
        throw DefinitionError("bridge '" + bridge_name +
                              "' does not exist (ip -br link show type bridge lists the bridges)");
    }
    if (bridge->link.kind != "bridge") {
        throw DefinitionError("'" + bridge_name + "' is " +
                              (bridge->link.kind.empty() ? "not a bridge"
                                                         : "a " + bridge->link.kind + " device, not a bridge") +
                              " (ip -br link show type bridge lists the bridges)");
    }
    const bool sysfs_is_ours = sysfs_shows(links);
    const std::map<std::string, int> holders = tap_holders();
    BridgeSnapshot snapshot;
    snapshot.bridge = *bridge;
    snapshot.mac_origin = mac_origin_of(bridge_name, sysfs_is_ours);
    for (const LinkDetails& link : links) {
        if (link.link.master_ifindex != bridge->link.ifindex) {
            continue;
        }
        PortSnapshot port;
        port.details = link;
        port.mac_origin = mac_origin_of(link.link.name, sysfs_is_ours);
        port.owner = parse_owner_record(link.link.alias);
        port.owner_running = port.owner && process_is_running(port.owner->process);
        if (port.owner_running) {
            port.owner_command = read_process_name(port.owner->process.pid);
        }
        if (const auto holder = holders.find(link.link.name);
            link.link.kind == "tun" && holder != holders.end()) {
            port.holder = holder->second;
            port.holder_command = read_process_name(holder->second);
        }
        snapshot.ports.push_back(std::move(port));
    }
    std::sort(snapshot.ports.begin(), snapshot.ports.end(), [](const PortSnapshot& a, const PortSnapshot& b) {
        return a.details.link.ifindex < b.details.link.ifindex;
    });
    snapshot.netfilter = read_netfilter(bridge_name);
    return snapshot;
}

}  // namespace taplaunch
