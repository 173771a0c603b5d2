#pragma once
// What taplaunch knows of QEMU's NIC models: the one place that says which are virtio-net and
// which of those take MSI-X vectors.

#include <string>
#include <string_view>

namespace taplaunch {

// The -device name for a model= of taplaunch's NIC spec or of QEMU's -nic and -net nic
// ("virtio" is virtio-net-pci, as QEMU 7.2 reads it there; others as written).
std::string qemu_device_model(std::string_view model);

// Whether a QEMU NIC model is a virtio-net device on any transport (virtio-net-pci and its
// transitional variants, virtio-net-device on MMIO, virtio-net-ccw, the alias virtio-net):
// it uses the virtio-net header and takes host_mtu=, mq=on with several queues, and vhost-net.
bool is_virtio_net_model(std::string_view device_model);

// Whether a QEMU NIC model is virtio-net on PCI (virtio-net-pci, its transitional variants,
// and the alias virtio-net, which is virtio-net-pci on every target with PCI): only these take
// vectors= (MSI-X). virtio-net-device and virtio-net-ccw have no such property.
bool is_virtio_net_pci_model(std::string_view device_model);

// Whether a QEMU NIC model reads and writes the virtio-net header, so that its TAP should
// carry one (virtio models and those QEMU gives offloads: e1000e, igb, vmxnet3, as libvirt).
bool model_uses_vnet_hdr(std::string_view device_model);

}  // namespace taplaunch
