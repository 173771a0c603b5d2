#include "emulators/qemu_arguments.hpp"

#include "emulators/qemu_models.hpp"

#include <algorithm>

namespace taplaunch {

namespace {

constexpr unsigned ethernet_mtu = 1500;

std::string colon_joined(const std::vector<int>& fds)
{
    std::string text;
    for (const int fd : fds) {
        text += (text.empty() ? "" : ":") + std::to_string(fd);
    }
    return text;
}

}  // namespace

void append_qemu_nic_arguments(std::vector<std::string>& argv, const TapPlan& tap)
{
    const bool several = tap.queue_fds.size() > 1;
    std::string netdev = "tap,id=" + tap.netdev_id + (several ? ",fds=" : ",fd=") +
                         colon_joined(tap.queue_fds);
    if (!tap.vhost_fds.empty()) {
        netdev += std::string(",vhost=on") + (several ? ",vhostfds=" : ",vhostfd=") +
                  colon_joined(tap.vhost_fds);
    }
    argv.push_back("-netdev");
    argv.push_back(netdev);
    std::string device =
        tap.device_model + ",netdev=" + tap.netdev_id + ",mac=" + tap.guest_mac.to_string();
    if (is_virtio_net_model(tap.device_model)) {
        if (tap.mtu != ethernet_mtu) {
            device += ",host_mtu=" + std::to_string(tap.mtu);
        }
        if (several) {
            device += ",mq=on,vectors=" + std::to_string(2 * tap.queue_fds.size() + 2);
        }
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
