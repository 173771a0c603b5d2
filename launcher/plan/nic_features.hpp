#pragma once
// What a NIC's TAP carries beyond its name and MAC: the virtio-net header, vhost-net and
// queues for QEMU; for UML, which keys apply at all.

#include "definition/guest_definition.hpp"
#include "definition/nic_spec.hpp"
#include "plan/host_facts.hpp"

#include <cstddef>
#include <string>

namespace taplaunch {

// Whether a QEMU NIC's TAP gets IFF_VNET_HDR: vnet_hdr=on|off as asked (on needs the kernel's
// support, `tun_features`), auto where the model uses the header and the kernel has it.
bool decide_qemu_vnet_hdr(const NicSpec& nic, std::size_t index, const std::string& device_model,
                          unsigned tun_features);

// Whether a QEMU NIC gets vhost-net: on for virtio NICs where /dev/vhost-net opens (auto), or
// demanded (on, which refuses a model or host without it).
bool decide_vhost(const NicSpec& nic, std::size_t index, const std::string& device_model,
                  const HostFacts& host);

// Throws DefinitionError when a NIC asks for several queues on a model that has one.
void check_queues(const NicSpec& nic, std::size_t index, const std::string& device_model);

// Throws DefinitionError for a key that does not apply to a UML NIC with `transport`.
void check_uml_nic(const NicSpec& nic, std::size_t index, UmlTransport transport);

}  // namespace taplaunch
