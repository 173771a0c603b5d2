#pragma once
// QEMU's argument forms for a NIC of taplaunch's own (--nic) on a TAP it hands over as fds.

#include "definition/mac_address.hpp"

#include <string>
#include <vector>

namespace taplaunch {

// One NIC of taplaunch's own, as QEMU's arguments need it.
struct QemuTapNic {
    std::string netdev_id;
    std::string device_model;    // the -device name (qemu_device_model)
    MacAddress guest_mac;
    unsigned mtu = 1500;         // the TAP's
    std::vector<int> queue_fds;  // one per queue, as QEMU finds them
    std::vector<int> vhost_fds;  // none, or one /dev/vhost-net fd per queue
};

// Appends:
//   -netdev tap,id=<id>,<qemu_tap_fd_parameters>
//   -device <model>,netdev=<id>,mac=<guest mac>[,<qemu_multiqueue_device_parameters>]
// A virtio-net device whose TAP's MTU is not 1500 also gets host_mtu=<mtu>, so that the guest
// learns the bridge's MTU (VIRTIO_NET_F_MTU) instead of assuming 1500.
void append_qemu_nic_arguments(std::vector<std::string>& argv, const QemuTapNic& nic);

}  // namespace taplaunch
