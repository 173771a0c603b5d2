#pragma once
// What taplaunch knows of QEMU's NIC models.

#include <string>
#include <string_view>

namespace taplaunch {

// The -device name for a NIC spec's model= ("virtio" is virtio-net-pci; others as written).
std::string qemu_device_model(std::string_view model);

// Whether a QEMU NIC model reads and writes the virtio-net header, so that its TAP should
// carry one (virtio models and those QEMU gives offloads: e1000e, igb, vmxnet3, as libvirt).
bool model_uses_vnet_hdr(std::string_view device_model);

// Whether a QEMU NIC model is a virtio-net device (host_mtu=, mq=, vectors= apply).
bool is_virtio_net_model(std::string_view device_model);

}  // namespace taplaunch
