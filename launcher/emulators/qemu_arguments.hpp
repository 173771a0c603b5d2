#pragma once
// QEMU's argument forms for a TAP that taplaunch created and hands over as an fd.

#include "plan/tap_plan.hpp"

#include <string>
#include <vector>

namespace taplaunch {

// Appends "-netdev tap,id=net<i>,fd=<fd> -device <model>,netdev=net<i>,mac=<guest mac>".
// A virtio-net device whose TAP's MTU is not 1500 also gets host_mtu=<mtu>, so that the guest
// learns the bridge's MTU (VIRTIO_NET_F_MTU) instead of assuming 1500.
// No vnet_hdr= beside fd=: QEMU rejects the pair and probes the fd itself.
void append_qemu_nic_arguments(std::vector<std::string>& argv, const TapPlan& tap);

}  // namespace taplaunch
