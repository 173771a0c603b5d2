#pragma once
// TAP devices through /dev/net/tun.

#include "host/unique_fd.hpp"

#include <sys/types.h>

#include <string>
#include <vector>

namespace taplaunch {

// The TUNGETFEATURES flags of this kernel's TUN driver. Throws HostError.
unsigned read_tun_features();

struct CreatedTap {
    std::vector<UniqueFd> queue_fds;  // one per queue; closing them all removes a
                                      // non-persistent TAP
    std::string ifname;               // the name the kernel gave it (a %d template resolved)
};

// Creates a new TAP (IFF_TAP|IFF_NO_PI, +IFF_VNET_HDR) named `requested_ifname` with `queues`
// queues (IFF_MULTI_QUEUE when more than one), never attaching to an existing device: the
// first queue is created with IFF_TUN_EXCL, the others attach by name, and every queue is
// then checked to be on the device the first one made (a device can be replaced under the
// same name in between). The fds are O_CLOEXEC. Throws HostError.
CreatedTap create_tap(const std::string& requested_ifname, bool vnet_hdr, unsigned queues = 1);

// Opens /dev/vhost-net for one queue (O_CLOEXEC). Throws HostError.
UniqueFd open_vhost_net();

// Makes the TAP behind `fd` outlive it (TUNSETPERSIST), owned by `owner_uid` (TUNSETOWNER) so
// that an emulator running as that user may open it by name. Throws HostError.
void make_tap_persistent(int fd, uid_t owner_uid);

}  // namespace taplaunch
