#include "emulators/qemu_arguments.hpp"

#include "emulators/qemu_models.hpp"
#include "emulators/qemu_tap_fds.hpp"

namespace taplaunch {

namespace {

constexpr unsigned ethernet_mtu = 1500;

}  // namespace

void append_qemu_nic_arguments(std::vector<std::string>& argv, const TapPlan& tap)
{
    argv.push_back("-netdev");
    argv.push_back("tap,id=" + tap.netdev_id + "," +
                   qemu_tap_fd_parameters(tap.queue_fds, tap.vhost_fds));
    std::string device =
        tap.device_model + ",netdev=" + tap.netdev_id + ",mac=" + tap.guest_mac.to_string();
    if (is_virtio_net_model(tap.device_model) && tap.mtu != ethernet_mtu) {
        device += ",host_mtu=" + std::to_string(tap.mtu);
    }
    for (const auto& [key, value] :
         qemu_multiqueue_device_parameters(tap.device_model, tap.queue_fds.size())) {
        device += "," + key + "=" + value;
    }
    argv.push_back("-device");
    argv.push_back(device);
}

std::vector<QemuBridgeTap> qemu_bridge_taps(const LaunchPlan& plan)
{
    std::vector<QemuBridgeTap> taps(plan.qemu_network.bridge_nics.size());
    for (const TapPlan& tap : plan.taps) {
        if (tap.bridge_form && *tap.bridge_form < taps.size()) {
            taps[*tap.bridge_form] = {tap.queue_fds, tap.vhost_fds, tap.guest_mac};
        }
    }
    return taps;
}

}  // namespace taplaunch
