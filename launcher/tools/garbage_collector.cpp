#include "tools/garbage_collector.hpp"

#include "host/netlink_socket.hpp"
#include "host/proc_files.hpp"
#include "launch_error.hpp"
#include "plan/owner_record.hpp"

#include <cstdlib>
#include <map>
#include <iostream>
#include <optional>

#include <unistd.h>

namespace taplaunch {

namespace {

constexpr const char* gc_usage =
    "Usage: taplaunch gc [--dry-run]\n"
    "Removes the persistent TAPs a taplaunch supervisor created and could not remove because it\n"
    "was killed. A TAP is removed only if its alias names a taplaunch process that no longer\n"
    "runs and no process holds it open. --dry-run lists them and removes nothing.\n"
    "Run by a user other than root, it removes only that user's TAPs (by the TAP's owner and the\n"
    "uid in its record).\n";

}  // namespace

int run_garbage_collector(const std::vector<std::string>& args)
{
    bool dry_run = false;
    for (const std::string& arg : args) {
        if (arg == "--dry-run") {
            dry_run = true;
        } else if (arg == "--help" || arg == "-h") {
            std::cout << gc_usage;
            return 0;
        } else {
            std::cerr << "taplaunch: gc: unknown argument '" << arg
                      << "' (usage: taplaunch gc [--dry-run])\n";
            return exit_bad_definition;
        }
    }

    const uid_t caller = ::getuid();
    NetlinkSocket netlink = NetlinkSocket::connect();
    // Processes in other network namespaces may hold a device of the same name: that only
    // ever makes gc keep a TAP, never remove one in use.
    const std::map<std::string, int> holders = tap_holders();
    int status = 0;
    std::size_t removed = 0;
    std::size_t kept = 0;
    std::size_t checked = 0;
    for (const LinkFacts& link : netlink.list_links()) {
        const auto owner = parse_owner_record(link.alias);
        if (link.kind != "tun" || !owner) {
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
        if (process_is_running(owner->process)) {
            ++kept;
            std::cout << "kept " << link.name << " (" << guest << "): its taplaunch, pid " << pid
                      << ", still runs\n";
            continue;
        }
        const std::string why = " (" + guest + ", supervisor pid " + pid + " is gone)";
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
            netlink.delete_link(link.ifindex);
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
