#pragma once
// Rewrites QEMU's own bridge forms into fd forms on TAPs that taplaunch made, leaving every
// other argument as it was.

#include "emulators/qemu_network_scan.hpp"
#include "definition/mac_address.hpp"

#include <string>
#include <vector>

namespace taplaunch {

// What the caller made for one bridge NIC of the scan.
struct QemuBridgeTap {
    std::vector<int> queue_fds;  // 1..max_tap_queues fds of one TAP, as QEMU will find them
    std::vector<int> vhost_fds;  // none, or one /dev/vhost-net fd per queue fd
    MacAddress guest_mac;        // the NIC's MAC if the arguments give one, else the caller's
                                 // default (taplaunch: default_guest_mac(guest name, index))
};

struct QemuBridgeRewrite {
    std::vector<std::string> args;   // the emulator's arguments, bridge forms rewritten
    std::vector<std::string> notes;  // one line per change (and per thing left alone), for -v
};

// Rewrites, for each scan.bridge_nics[i] with taps[i]:
//   -netdev bridge,id=ID,...  -> -netdev tap,id=ID,<qemu_tap_fd_parameters>; its -device
//                                (or -net nic,netdev=ID) gets mac= (macaddr=) when it has none,
//                                and, for N > 1 queues, what qemu_multiqueue_device_parameters
//                                gives (mq=on, vectors=2N+2 on PCI) where it does not say it
//   -nic bridge,...           -> -nic tap,<fd parameters>,... keeping id=, model=, mac=; mac=
//                                added if none
//   -net bridge,...           -> -net tap,<fd parameters> keeping id=, name=; macaddr= added to
//                                the -net nic
// br= and helper= go (the TAP is on the bridge already; a note says helper= was dropped).
// Every other word stays as it was, where it was. `args` must be what `scan` was made from.
// Throws std::invalid_argument when `taps` does not fit `scan` (count, 1..max_tap_queues queue fds, vhost
// fd count, multiqueue or vhost where supports_multiqueue/supports_vhost say no, a MAC other
// than the one the arguments give), and DefinitionError when the NIC's -device says mq=off
// for several queues.
QemuBridgeRewrite rewrite_qemu_bridges(const std::vector<std::string>& args,
                                       const QemuNetworkScan& scan,
                                       const std::vector<QemuBridgeTap>& taps);

}  // namespace taplaunch
