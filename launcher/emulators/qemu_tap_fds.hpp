#pragma once
// QEMU's forms for a TAP it is handed open: the one place that writes fd=, fds=, vhostfd(s)=
// and what a -device needs for several queues.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace taplaunch {

// The -netdev tap (or -nic tap, -net tap) parameters for a TAP's open fds:
//   fd=<fd>                         one queue
//   fds=<a>:<b>:...                 several queues (a multiqueue TAP, one fd per queue)
// then, with vhost-net fds (one per queue):
//   ,vhost=on,vhostfd=<v>           one queue
//   ,vhost=on,vhostfds=<v1>:<v2>:.. several queues
// No vnet_hdr= beside fd=: QEMU 7.2 rejects the pair and probes the fd itself.
std::string qemu_tap_fd_parameters(const std::vector<int>& queue_fds,
                                   const std::vector<int>& vhost_fds);

// The parameters (key, value) a -device of `device_model` needs for a TAP with `queues`
// queues: none for one; for several, mq=on, and vectors=2N+2 where the model takes vectors
// (is_virtio_net_pci_model: one MSI-X vector per queue each way, one for configuration
// changes, one for the control queue).
std::vector<std::pair<std::string, std::string>> qemu_multiqueue_device_parameters(
    std::string_view device_model, std::size_t queues);

}  // namespace taplaunch
