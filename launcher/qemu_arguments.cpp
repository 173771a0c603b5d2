#include "qemu_arguments.hpp"

namespace taplaunch {

void append_qemu_nic_arguments(std::vector<std::string>& argv, const TapPlan& tap)
{
    const std::string netdev_id = "net" + std::to_string(tap.nic_index);
    argv.push_back("-netdev");
    argv.push_back("tap,id=" + netdev_id + ",fd=" + std::to_string(tap.emulator_fd));
    argv.push_back("-device");
    argv.push_back(tap.device_model + ",netdev=" + netdev_id + ",mac=" + tap.guest_mac.to_string());
}

}  // namespace taplaunch
