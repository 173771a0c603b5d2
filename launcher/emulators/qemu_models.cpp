#include "emulators/qemu_models.hpp"

namespace taplaunch {

std::string qemu_device_model(std::string_view model)
{
    return model == "virtio" ? "virtio-net-pci" : std::string(model);
}

bool is_virtio_net_model(std::string_view device_model)
{
    return device_model.starts_with("virtio-net");
}

bool is_virtio_net_pci_model(std::string_view device_model)
{
    return device_model.starts_with("virtio-net-pci") || device_model == "virtio-net";
}

bool model_uses_vnet_hdr(std::string_view device_model)
{
    return is_virtio_net_model(device_model) || device_model == "e1000e" ||
           device_model == "igb" || device_model == "vmxnet3";
}

}  // namespace taplaunch
