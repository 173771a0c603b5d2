#include "emulators/qemu_arguments.hpp"

#include "emulators/qemu_models.hpp"
#include "emulators/qemu_tap_fds.hpp"

namespace taplaunch {

namespace {

constexpr unsigned ethernet_mtu = 1500;

}  // namespace

void append_qemu_nic_arguments(std::vector<std::string>& argv, const QemuTapNic& nic)
{
    argv.push_back("-netdev");
    argv.push_back("tap,id=" + nic.netdev_id + "," +
                   qemu_tap_fd_parameters(nic.queue_fds, nic.vhost_fds));
    std::string device =
        nic.device_model + ",netdev=" + nic.netdev_id + ",mac=" + nic.guest_mac.to_string();
    if (is_virtio_net_model(nic.device_model) && nic.mtu != ethernet_mtu) {
        device += ",host_mtu=" + std::to_string(nic.mtu);
    }
    for (const auto& [key, value] :
         qemu_multiqueue_device_parameters(nic.device_model, nic.queue_fds.size())) {
        device += "," + key + "=" + value;
    }
    argv.push_back("-device");
    argv.push_back(device);
}

}  // namespace taplaunch
