#include "host/macvtap_link.hpp"

#include "host/netlink_batch.hpp"
#include "host/netlink_socket.hpp"
#include "host/proc_files.hpp"
#include "launch_error.hpp"
#include "plan/owner_record.hpp"
#include "plan/tap_names.hpp"
#include "definition/nic_spec.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace taplaunch {

namespace {

// What the kernel's refusal to create a macvtap usually means.
std::string creation_hint(const std::string& error, const TapPlan& plan)
{
    const std::string& lower = plan.macvtap->lower;
    if (error.find("Address already in use") != std::string::npos) {
        return " (another device on " + lower + " has MAC " + plan.guest_mac.to_string() +
               ": pick another mac=)";
    }
    if (error.find("Invalid argument") != std::string::npos) {
        return " (" + lower + " must be an Ethernet device; a passthru macvtap must be the only "
               "macvtap or macvlan on it)";
    }
    if (error.find("Device or resource busy") != std::string::npos) {
        return " (" + lower + " is a bridge's port or otherwise taken: put the macvtap on the "
               "bridge itself, or on another interface)";
    }
    if (error.find("Operation not supported") != std::string::npos ||
        error.find("Unknown device type") != std::string::npos) {
        return " (the kernel has no macvtap driver: modprobe macvtap)";
    }
    return "";
}

// A single line of a sysfs file, or "" when it cannot be read.
std::string read_line(const std::string& path)
{
    std::ifstream file(path);
    std::string line;
    std::getline(file, line);
    return line;
}

// Whether `fd` is the macvtap `ifindex` called `ifname`, or "" when it is: device nodes are
// named by ifindex, which each network namespace counts on its own, so /dev/tapN may be the
// macvtap of another namespace (the first one made with that ifindex owns the node).
std::string node_problem(int fd, const std::string& path, int ifindex, const std::string& ifname)
{
    ifreq request{};
    if (::ioctl(fd, TUNGETIFF, &request) != 0) {
        return "TUNGETIFF: " + errno_text(errno);
    }
    std::string other = request.ifr_name;
    if (other == ifname) {
        // Same name: where /sys shows this namespace (its ifindex matches), the device numbers
        // must match too.
        const std::string sysfs = "/sys/class/net/" + ifname;
        if (read_line(sysfs + "/ifindex") != std::to_string(ifindex)) {
            return "";
        }
        struct stat status {};
        const std::string dev =
            read_line(sysfs + "/macvtap/tap" + std::to_string(ifindex) + "/dev");
        if (::fstat(fd, &status) != 0 || dev.empty() ||
            dev == std::to_string(major(status.st_rdev)) + ":" +
                       std::to_string(minor(status.st_rdev))) {
            return "";
        }
        other += " (device " + dev + " is this namespace's)";
    }
    return path + " is macvtap " + other +
           " of another network namespace: device nodes are named by ifindex, which each "
           "namespace counts on its own, and that macvtap took the node first (launch again: the "
           "next macvtap here gets another ifindex)";
}

}  // namespace

std::vector<std::string> remove_stale_macvtaps(const TapPlan& plan, TapSetLinks& links)
{
    std::vector<std::string> removed;
    const bool passthru = plan.macvtap->mode == MacvtapMode::passthru;
    for (const LinkFacts& link : links.list_links()) {
        if (link.kind != "macvtap" || link.lower_ifindex != plan.macvtap->lower_ifindex ||
            (!passthru && link.mac != plan.tap_mac)) {
            continue;
        }
        const auto owner = parse_owner_record(link.alias);
        if (!owner || process_is_running(owner->process)) {
            continue;  // the kernel's refusal below says what is in the way
        }
        const auto now = links.find_link(link.ifindex);
        if (!now || now->name != link.name || now->alias != link.alias) {
            continue;
        }
        LinkChange remove;
        remove.ifindex = link.ifindex;
        remove.remove = true;
        const std::string error = links.apply({remove}).front();
        if (!error.empty() && links.find_link(link.ifindex)) {
            throw HostError("removing the leftover macvtap " + link.name + " of guest " +
                            owner->guest + " on " + plan.macvtap->lower + ": " + error);
        }
        removed.push_back("removed the leftover macvtap " + link.name + " of guest " +
                          owner->guest + " on " + plan.macvtap->lower + " (taplaunch pid " +
                          std::to_string(owner->process.pid) + " is gone)");
    }
    return removed;
}

CreatedMacvtap create_macvtap(const TapPlan& plan, TapSetLinks& links)
{
    const bool from_template = is_ifname_template(plan.requested_ifname);
    // A template's numbers are tried in order; a name taken between the look and the creation
    // (EEXIST) moves on to the next, as the kernel's own %d does.
    for (unsigned number = 0; number < 32768; ++number) {
        const std::string name = ifname_from_template(plan.requested_ifname, number);
        if (from_template && name.size() > max_ifname_length) {
            break;
        }
        if (from_template && links.index_of(name) != 0) {
            continue;
        }
        LinkChange create;
        create.create_macvtap = MacvtapCreation{name, plan.macvtap->lower_ifindex,
                                                plan.macvtap->mode, plan.tap_mac, plan.mtu};
        const std::string error = links.apply({create}).front();
        if (error.empty()) {
            const int ifindex = links.index_of(name);
            if (ifindex == 0) {
                throw HostError("macvtap '" + name + "' vanished right after it was created");
            }
            return {name, ifindex};
        }
        if (from_template && error.find("File exists") != std::string::npos) {
            continue;
        }
        throw HostError("creating macvtap " + name + " on " + plan.macvtap->lower + ": " + error +
                        creation_hint(error, plan));
    }
    throw HostError("no free name for template '" + plan.requested_ifname +
                    "' (remove unused macvtaps, or give ifname= an exact name)");
}

std::string macvtap_device_path(int ifindex)
{
    return "/dev/tap" + std::to_string(ifindex);
}

std::vector<UniqueFd> open_macvtap_queues(int ifindex, const std::string& ifname, bool vnet_hdr,
                                          unsigned queues)
{
    const std::string path = macvtap_device_path(ifindex);
    std::vector<UniqueFd> fds;
    for (unsigned queue = 0; queue < queues; ++queue) {
        UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
        if (!fd.valid()) {
            const int error = errno;
            std::string hint;
            if (error == ENOENT) {
                hint = " (no device node for macvtap " + ifname +
                       ": /dev needs devtmpfs, mount -t devtmpfs devtmpfs /dev, or udev running "
                       "to make /dev/tapN)";
            } else if (error == EACCES || error == EPERM) {
                hint = " (the device node is root's, mode 0600: run taplaunch as root)";
            } else if (error == EMFILE || error == ENFILE) {
                hint = " (each queue holds an open file: raise the limit, e.g. ulimit -n 1024)";
            }
            throw HostError("cannot open " + path + " for macvtap " + ifname + ": " +
                            errno_text(error) + hint);
        }
        if (const std::string problem = node_problem(fd.get(), path, ifindex, ifname);
            !problem.empty()) {
            throw HostError("cannot use macvtap " + ifname + ": " + problem);
        }
        ifreq request{};
        request.ifr_flags = static_cast<short>(IFF_TAP | IFF_NO_PI | (vnet_hdr ? IFF_VNET_HDR : 0) |
                                               (queues > 1 ? IFF_MULTI_QUEUE : 0));
        if (::ioctl(fd.get(), TUNSETIFF, &request) != 0) {
            const int error = errno;
            throw HostError("TUNSETIFF on " + path + " (macvtap " + ifname +
                            "): " + errno_text(error));
        }
        fds.push_back(std::move(fd));
    }
    return fds;
}

std::string remove_macvtap_if_ours(int ifindex, const std::string& ifname,
                                   const std::string& owner_record)
{
    const std::string fix = " (if nothing uses it, remove it with: ip link del " + ifname + ")";
    try {
        const NetlinkSocket netlink = NetlinkSocket::connect();
        const auto link = netlink.find_link(ifindex);
        if (!link) {
            return "";
        }
        if (link->name != ifname || link->alias != owner_record) {
            return "left macvtap " + link->name + " alone: it no longer carries this launch's "
                   "alias" + (link->name == ifname ? fix : "");
        }
        NetlinkBatch batch = NetlinkBatch::open();
        LinkChange remove;
        remove.ifindex = ifindex;
        remove.remove = true;
        if (const std::string error = batch.apply({remove}).front(); !error.empty()) {
            return "could not remove macvtap " + ifname + ": " + error + fix;
        }
        return "";
    } catch (const std::exception& error) {
        return "could not remove macvtap " + ifname + ": " + error.what() + fix;
    }
}

}  // namespace taplaunch
