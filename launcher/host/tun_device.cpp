#include "host/tun_device.hpp"

#include "launch_error.hpp"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

namespace taplaunch {

namespace {

constexpr const char* tun_path = "/dev/net/tun";

UniqueFd open_tun()
{
    UniqueFd fd(::open(tun_path, O_RDWR | O_CLOEXEC));
    if (!fd.valid()) {
        const int error = errno;
        std::string hint;
        if (error == EACCES || error == EPERM) {
            hint = " (run taplaunch as root, or with CAP_NET_ADMIN and read-write access to " +
                   std::string(tun_path) + ")";
        } else if (error == ENOENT || error == ENODEV || error == ENXIO) {
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
        throw HostError(std::string("TUNGETFEATURES on ") + tun_path + ": " + errno_text(errno));
    }
    return features;
}

CreatedTap create_tap(const std::string& requested_ifname, bool vnet_hdr)
{
    UniqueFd fd = open_tun();
    struct ifreq request {};
    std::strncpy(request.ifr_name, requested_ifname.c_str(), IFNAMSIZ - 1);
    request.ifr_flags = static_cast<short>(IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL |
                                           (vnet_hdr ? IFF_VNET_HDR : 0));
    if (::ioctl(fd.get(), TUNSETIFF, &request) != 0) {
        const int error = errno;
        std::string hint;
        if (error == EBUSY || error == EEXIST) {
            hint = " (a device of that name exists already: choose another ifname=)";
        } else if (error == EPERM) {
            hint = " (creating a TAP needs CAP_NET_ADMIN in this network namespace)";
        } else if (error == EINVAL) {
            hint = " (the kernel refused the name or the flags)";
        }
        throw HostError("TUNSETIFF: " + errno_text(error) + hint);
    }
    return CreatedTap{std::move(fd), request.ifr_name};
}

void make_tap_persistent(int fd, uid_t owner_uid)
{
    if (::ioctl(fd, TUNSETOWNER, static_cast<unsigned long>(owner_uid)) != 0) {
        throw HostError("TUNSETOWNER " + std::to_string(owner_uid) + ": " + errno_text(errno));
    }
    if (::ioctl(fd, TUNSETPERSIST, 1UL) != 0) {
        throw HostError("TUNSETPERSIST: " + errno_text(errno));
    }
}

}  // namespace taplaunch
