#pragma once
// QEMU's argument forms for TAPs that taplaunch created and hands over as fds.

#include "emulators/qemu_bridge_rewrite.hpp"
#include "plan/launch_plan.hpp"
#include "plan/tap_plan.hpp"

#include <string>
#include <vector>

namespace taplaunch {

// Appends, for a NIC of taplaunch's own (--nic):
//   -netdev tap,id=<id>,<qemu_tap_fd_parameters>
//   -device <model>,netdev=<id>,mac=<guest mac>[,<qemu_multiqueue_device_parameters>]
// A virtio-net device whose TAP's MTU is not 1500 also gets host_mtu=<mtu>, so that the guest
// learns the bridge's MTU (VIRTIO_NET_F_MTU) instead of assuming 1500.
void append_qemu_nic_arguments(std::vector<std::string>& argv, const TapPlan& tap);

// What the rewrite of the user's own bridge forms needs: for each of them, in their order, the
// fds and MAC of the TAP that replaces it.
std::vector<QemuBridgeTap> qemu_bridge_taps(const LaunchPlan& plan);

}  // namespace taplaunch
