#include "tools/garbage_collector.hpp"

#include "host/netlink_batch.hpp"
#include "host/netlink_socket.hpp"
#include "host/ovs_database.hpp"
#include "host/proc_files.hpp"
#include "host/test_pause.hpp"
#include "launch_error.hpp"
#include "plan/owner_record.hpp"

#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include <unistd.h>

namespace taplaunch {

namespace {

// Why the record's process cannot be judged from here, or "" when it can: its PID is one of
// another PID namespace, or /proc shows another namespace than gc's own (`pid_namespace`
// nullopt), so that no PID read there is one of gc's.
std::string cannot_judge(const OwnerRecord& owner,
                         const std::optional<unsigned long long>& pid_namespace)
{
    if (!pid_namespace) {
        return "/proc shows another PID namespace than gc's own, so no PID can be judged here "
               "(run gc where /proc belongs to its PID namespace, e.g. unshare --mount-proc)";
    }
    if (owner.process.pid_namespace && *owner.process.pid_namespace != *pid_namespace) {
        return "its taplaunch, pid " + std::to_string(owner.process.pid) +
               ", ran in another PID namespace (pid:[" +
               std::to_string(*owner.process.pid_namespace) +
               "]), where gc cannot see whether it runs (run taplaunch gc in that namespace)";
    }
    return "";
}

// What differs between the link gc judged and the same ifindex now, or "" when nothing that
// gc judged by has changed: the kernel deletes by index whatever else a request says
// (rtnl_dellink honours no IFLA_IFNAME, IFLA_IFALIAS or IFLA_GROUP beside an ifindex), so
// this check comes right before the request, not in it.
std::string changed_since(const LinkFacts& judged, const std::optional<LinkFacts>& now)
{
    if (!now) {
        return "it is gone already";
    }
    if (now->name != judged.name || now->kind != judged.kind) {
        return "its index now names " + now->name;
    }
    if (now->alias != judged.alias) {
        return "its alias changed while gc looked at it";
    }
    if (now->tun_owner != judged.tun_owner) {
        return "its owner changed while gc looked at it";
    }
    return "";
}

// Open vSwitch port rows with taplaunch's owner record whose owner is gone: nothing in OVS
// removes a row when its device goes. Judged as TAPs are (the record's process, its PID
// namespace, the caller's uid), and kept while a process holds a TAP of the row's name open;
// each removal checks the record again in the transaction that deletes the row. Returns
// whether a removal failed.
bool collect_ovs_ports(bool dry_run, uid_t caller,
                       const std::optional<unsigned long long>& pid_namespace,
                       const std::map<std::string, int>& holders)
{
    std::string why;
    const auto rows = list_taplaunch_ovs_ports(&why);
    if (!rows) {
        // No Open vSwitch here is nothing to report; a database that did not answer is.
        if (why.find("not installed") == std::string::npos &&
            why.find("no Open vSwitch database") == std::string::npos) {
            std::cerr << "taplaunch: gc: Open vSwitch ports not checked: " << why << '\n';
        }
        return false;
    }
    bool failed = false;
    std::size_t removed = 0;
    std::size_t kept = 0;
    std::size_t checked = 0;
    for (const OvsPortRow& row : *rows) {
        const auto owner = parse_owner_record(row.owner_record);
        if (!owner) {
            continue;
        }
        ++checked;
        const std::string port = "Open vSwitch port " + row.name + " on " + row.bridge;
        const std::string guest = "guest " + owner->guest;
        const std::string pid = std::to_string(owner->process.pid);
        if (caller != 0) {
            if (const auto other = owner_other_than(caller, *owner, std::nullopt)) {
                ++kept;
                std::cout << "kept " << port << " (" << guest << "): refused, it belongs to uid "
                          << *other << " and only root or uid " << *other << " may remove it\n";
                continue;
            }
        }
        if (const std::string reason = cannot_judge(*owner, pid_namespace); !reason.empty()) {
            ++kept;
            std::cout << "kept " << port << " (" << guest << "): " << reason << '\n';
            continue;
        }
        if (process_is_running(owner->process)) {
            ++kept;
            std::cout << "kept " << port << " (" << guest << "): its taplaunch, pid " << pid
                      << ", still runs\n";
            continue;
        }
        const std::string whose = " (" + guest + ", taplaunch pid " + pid + " is gone)";
        if (const auto holder = holders.find(row.name); holder != holders.end()) {
            ++kept;
            std::cout << "kept " << port << whose << ": its TAP is still open in pid "
                      << holder->second << " (stop that process, then run taplaunch gc again)\n";
            continue;
        }
        if (dry_run) {
            ++removed;
            std::cout << "would remove " << port << whose << '\n';
            continue;
        }
        const OvsRemoval removal = remove_ovs_port(row.bridge, row.name, row.owner_record);
        switch (removal.outcome) {
        case OvsRemoval::Outcome::removed:
            ++removed;
            std::cout << "removed " << port << whose << '\n';
            break;
        case OvsRemoval::Outcome::absent:
            ++kept;
            std::cout << "kept " << port << " (" << guest << "): it is gone already\n";
            break;
        case OvsRemoval::Outcome::taken_over:
            ++kept;
            std::cout << "kept " << port << " (" << guest
                      << "): another launch took it over while gc looked at it\n";
            break;
        case OvsRemoval::Outcome::left_alone:
            ++kept;
            std::cout << "kept " << port << " (" << guest << "): " << removal.problem << '\n';
            break;
        case OvsRemoval::Outcome::failed:
            ++kept;
            std::cerr << "taplaunch: gc: " << removal.problem << '\n';
            failed = true;
            break;
        }
    }
    if (checked > 0) {
        std::cout << "gc: " << (dry_run ? "would remove " : "removed ") << removed
                  << (removed == 1 ? " Open vSwitch port" : " Open vSwitch ports") << ", kept "
                  << kept << ", checked " << checked << '\n';
    }
    return failed;
}

}  // namespace

int run_garbage_collector(bool dry_run)
{
    const uid_t caller = ::getuid();
    // Records' PIDs are judged in gc's own PID namespace, and only where /proc shows it.
    const std::optional<unsigned long long> pid_namespace = own_pid_namespace();
    NetlinkSocket netlink = NetlinkSocket::connect();
    std::optional<NetlinkBatch> removals;  // opened at the first removal
    // Processes in other network namespaces may hold a device of the same name: that only
    // ever makes gc keep a TAP, never remove one in use.
    const std::map<std::string, int> holders = tap_holders();
    int status = collect_ovs_ports(dry_run, caller, pid_namespace, holders) ? exit_host_failure : 0;
    std::size_t removed = 0;
    std::size_t kept = 0;
    std::size_t checked = 0;
    for (const LinkFacts& link : netlink.list_links()) {
        const auto owner = parse_owner_record(link.alias);
        // TAPs that were made persistent, and macvtaps: both stay until deleted. Their
        // record names the taplaunch process (after exec, the emulator: the same PID).
        const bool macvtap = link.kind == "macvtap";
        if ((link.kind != "tun" && !macvtap) || !owner) {
            continue;
        }
        ++checked;
        const std::string guest = "guest " + owner->guest;
        const std::string pid = std::to_string(owner->process.pid);
        // Root removes anyone's; another user only their own, whatever taplaunch holds.
        if (caller != 0) {
            if (const auto other = owner_other_than(caller, *owner, link.tun_owner)) {
                ++kept;
                std::cout << "kept " << link.name << " (" << guest << "): refused, it belongs to uid "
                          << *other << " and only root or uid " << *other << " may remove it\n";
                continue;
            }
        }
        if (const std::string reason = cannot_judge(*owner, pid_namespace); !reason.empty()) {
            ++kept;
            std::cout << "kept " << link.name << " (" << guest << "): " << reason << '\n';
            continue;
        }
        if (process_is_running(owner->process)) {
            ++kept;
            std::cout << "kept " << link.name << " (" << guest << "): its taplaunch, pid " << pid
                      << ", still runs\n";
            continue;
        }
        const std::string why = " (" + guest + (macvtap ? ", taplaunch pid " : ", supervisor pid ") +
                                pid + " is gone)";
        const auto holder = holders.find(link.name);
        if (holder != holders.end()) {
            ++kept;
            std::cout << "kept " << link.name << why << ": still open in pid " << holder->second
                      << " (stop that process, then run taplaunch gc again)\n";
            continue;
        }
        if (dry_run) {
            ++removed;
            std::cout << "would remove " << link.name << why << '\n';
            continue;
        }
        try {
            pause_point("gc:remove");
            // Everything gc judged the TAP by, looked at again right before the deletion.
            if (const std::string change = changed_since(link, netlink.find_link(link.ifindex));
                !change.empty()) {
                ++kept;
                std::cout << "kept " << link.name << " (" << guest << "): " << change << '\n';
                continue;
            }
            const std::map<std::string, int> holders_now = tap_holders();
            if (const auto holder_now = holders_now.find(link.name);
                holder_now != holders_now.end()) {
                ++kept;
                std::cout << "kept " << link.name << why << ": still open in pid "
                          << holder_now->second
                          << " (stop that process, then run taplaunch gc again)\n";
                continue;
            }
            if (!removals) {
                removals.emplace(NetlinkBatch::open());
            }
            LinkChange remove;
            remove.ifindex = link.ifindex;
            remove.remove = true;
            if (const std::string error = removals->apply({remove}).front(); !error.empty()) {
                throw HostError(error);
            }
            ++removed;
            std::cout << "removed " << link.name << why << '\n';
        } catch (const HostError& error) {
            ++kept;
            std::cerr << "taplaunch: gc: could not remove " << link.name << ": " << error.what()
                      << " (remove it with: ip link del " << link.name << ")\n";
            status = exit_host_failure;
        }
    }
    std::cout << "gc: " << (dry_run ? "would remove " : "removed ") << removed
              << (removed == 1 ? " TAP" : " TAPs") << ", kept " << kept << ", checked " << checked
              << '\n';
    return status;
}

}  // namespace taplaunch
