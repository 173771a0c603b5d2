#include "host/tun_device.hpp"

#include "host/proc_files.hpp"
#include "launch_error.hpp"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace taplaunch {

namespace {

constexpr const char* tun_path = "/dev/net/tun";

// Why /dev/net/tun cannot be opened, and the fix. CAP_NET_ADMIN does not bypass a file's mode,
// and the root of a user namespace (unshare -Urn) is, to a host file, just its user.
std::string access_hint()
{
    struct stat status {};
    std::string mode;
    if (::stat(tun_path, &status) == 0) {
        char octal[8];
        std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(status.st_mode & 07777));
        mode = std::string("it is mode ") + octal + (status.st_uid == 0 ? " and root's" : "") +
               ", ";
    }
    const std::string fix = "chmod 0666 " + std::string(tun_path) +
                            ", the mode most distributions give it (udev: KERNEL==\"tun\", "
                            "MODE=\"0666\")";
    if (in_child_user_namespace()) {
        return " (" + mode + "and root of a user namespace has only its user's access to it: " +
               "on the host, as root, " + fix + ")";
    }
    return " (" + mode + "and taplaunch needs read-write access: run it as root, or " + fix + ")";
}

UniqueFd open_tun()
{
    UniqueFd fd(::open(tun_path, O_RDWR | O_CLOEXEC));
    if (!fd.valid()) {
        const int error = errno;
        std::string hint;
        if (error == EACCES || error == EPERM) {
            hint = access_hint();
        } else if (error == ENOENT) {
            hint = " (load the TUN driver, modprobe tun, which makes the device node; or make it "
                   "by hand: mkdir -p /dev/net && mknod -m 0666 /dev/net/tun c 10 200)";
        } else if (error == ENODEV || error == ENXIO) {
            hint = " (load the TUN driver: modprobe tun)";
        } else if (error == EMFILE || error == ENFILE) {
            hint = " (each NIC holds an open file: raise the limit, e.g. ulimit -n 1024)";
        }
        throw HostError(std::string("cannot open ") + tun_path + ": " + errno_text(error) + hint);
    }
    return fd;
}

}  // namespace

unsigned read_tun_features()
{
    const UniqueFd fd = open_tun();
    unsigned features = 0;
    if (::ioctl(fd.get(), TUNGETFEATURES, &features) != 0) {
        const int error = errno;
        throw HostError(std::string("TUNGETFEATURES on ") + tun_path + ": " + errno_text(error));
    }
    return features;
}

namespace {

// TUNSETIFF on a fresh /dev/net/tun fd; fills `request` with the name the kernel gave.
UniqueFd attach_queue(ifreq& request)
{
    UniqueFd fd = open_tun();
    if (::ioctl(fd.get(), TUNSETIFF, &request) != 0) {
        const int error = errno;
        std::string hint;
        if (error == EBUSY || error == EEXIST) {
            hint = ": device '" + std::string(request.ifr_name) +
                   "' already exists (taplaunch never reuses a device: choose another ifname=)";
        } else if (error == EPERM) {
            hint = " (creating a TAP needs CAP_NET_ADMIN in this network namespace)";
        } else if (error == EINVAL) {
            hint = " (the kernel refused the name or the flags)";
        }
        throw HostError("TUNSETIFF: " + errno_text(error) + hint);
    }
    return fd;
}

// The name of the device a queue fd is attached to (TUNGETIFF), or "" when it is detached.
std::string attached_name(int fd)
{
    ifreq request{};
    if (::ioctl(fd, TUNGETIFF, &request) != 0) {
        return {};
    }
    return request.ifr_name;
}

}  // namespace

CreatedTap create_tap(const std::string& requested_ifname, bool vnet_hdr, unsigned queues)
{
    const short flags = static_cast<short>(IFF_TAP | IFF_NO_PI | (vnet_hdr ? IFF_VNET_HDR : 0) |
                                           (queues > 1 ? IFF_MULTI_QUEUE : 0));
    ifreq request{};
    std::strncpy(request.ifr_name, requested_ifname.c_str(), IFNAMSIZ - 1);
    request.ifr_flags = static_cast<short>(flags | IFF_TUN_EXCL);
    CreatedTap created;
    created.queue_fds.push_back(attach_queue(request));
    created.ifname = request.ifr_name;
    for (unsigned queue = 1; queue < queues; ++queue) {
        ifreq more{};
        std::strncpy(more.ifr_name, created.ifname.c_str(), IFNAMSIZ - 1);
        more.ifr_flags = flags;
        try {
            created.queue_fds.push_back(attach_queue(more));
        } catch (const HostError& error) {
            throw HostError("queue " + std::to_string(queue) + ": " + error.what());
        }
    }
    // Two devices never share a name: queues that all report the first queue's name, while
    // the first is still attached, are all on the device the first one created.
    for (std::size_t queue = 0; queue < created.queue_fds.size(); ++queue) {
        if (attached_name(created.queue_fds[queue].get()) != created.ifname) {
            throw HostError("queue " + std::to_string(queue) + " is not on the TAP " +
                            created.ifname + " this launch created (was it deleted meanwhile?)");
        }
    }
    return created;
}

UniqueFd open_vhost_net()
{
    constexpr const char* vhost_path = "/dev/vhost-net";
    UniqueFd fd(::open(vhost_path, O_RDWR | O_CLOEXEC));
    if (!fd.valid()) {
        const int error = errno;
        throw HostError(std::string("cannot open ") + vhost_path + ": " + errno_text(error) +
                        (error == ENOENT || error == ENODEV ? " (load it: modprobe vhost_net)" : ""));
    }
    return fd;
}

void make_tap_persistent(int fd, uid_t owner_uid)
{
    if (::ioctl(fd, TUNSETOWNER, static_cast<unsigned long>(owner_uid)) != 0) {
        const int error = errno;
        throw HostError("TUNSETOWNER " + std::to_string(owner_uid) + ": " + errno_text(error) +
                        (error == EINVAL ? " (the uid has no mapping in this user namespace: "
                                           "choose an --owner that /proc/self/uid_map maps)"
                                         : ""));
    }
    if (::ioctl(fd, TUNSETPERSIST, 1UL) != 0) {
        const int error = errno;
        throw HostError("TUNSETPERSIST: " + errno_text(error));
    }
}

}  // namespace taplaunch
