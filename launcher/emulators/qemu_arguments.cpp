#include "emulators/qemu_arguments.hpp"

#include "emulators/qemu_models.hpp"

namespace taplaunch {

namespace {

constexpr unsigned ethernet_mtu = 1500;

}  // namespace

void append_qemu_nic_arguments(std::vector<std::string>& argv, const TapPlan& tap)
{
    const std::string netdev_id = "net" + std::to_string(tap.nic_index);
    argv.push_back("-netdev");
    argv.push_back("tap,id=" + netdev_id + ",fd=" + std::to_string(tap.emulator_fd));
    argv.push_back("-device");
    std::string device =
        tap.device_model + ",netdev=" + netdev_id + ",mac=" + tap.guest_mac.to_string();
    if (is_virtio_net_model(tap.device_model) && tap.mtu != ethernet_mtu) {
        device += ",host_mtu=" + std::to_string(tap.mtu);
    }
    argv.push_back(device);
}

}  // namespace taplaunch
