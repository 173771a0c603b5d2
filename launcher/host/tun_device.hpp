#pragma once
// TAP devices through /dev/net/tun.

#include "host/unique_fd.hpp"

#include <sys/types.h>

#include <string>

namespace taplaunch {

// The TUNGETFEATURES flags of this kernel's TUN driver. Throws HostError.
unsigned read_tun_features();

struct CreatedTap {
    UniqueFd fd;         // the queue fd; closing it removes a non-persistent TAP
    std::string ifname;  // the name the kernel gave it (a %d template resolved)
};

// Creates a new TAP (IFF_TAP|IFF_NO_PI, +IFF_VNET_HDR) named `requested_ifname`, never
// attaching to an existing device (IFF_TUN_EXCL). The fd is O_CLOEXEC. Throws HostError.
CreatedTap create_tap(const std::string& requested_ifname, bool vnet_hdr);

// Makes the TAP behind `fd` outlive it (TUNSETPERSIST), owned by `owner_uid` (TUNSETOWNER) so
// that an emulator running as that user may open it by name. Throws HostError.
void make_tap_persistent(int fd, uid_t owner_uid);

}  // namespace taplaunch
