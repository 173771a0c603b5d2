#include "emulators/qemu_tap_fds.hpp"

#include "emulators/qemu_models.hpp"

namespace taplaunch {

namespace {

std::string colon_joined(const std::vector<int>& fds)
{
    std::string text;
    for (const int fd : fds) {
        text += (text.empty() ? "" : ":") + std::to_string(fd);
    }
    return text;
}

}  // namespace

std::string qemu_tap_fd_parameters(const std::vector<int>& queue_fds,
                                   const std::vector<int>& vhost_fds)
{
    const bool several = queue_fds.size() > 1;
    std::string text = (several ? "fds=" : "fd=") + colon_joined(queue_fds);
    if (!vhost_fds.empty()) {
        text += (several ? ",vhost=on,vhostfds=" : ",vhost=on,vhostfd=") + colon_joined(vhost_fds);
    }
    return text;
}

std::vector<std::pair<std::string, std::string>> qemu_multiqueue_device_parameters(
    std::string_view device_model, std::size_t queues)
{
    if (queues <= 1) {
        return {};
    }
    std::vector<std::pair<std::string, std::string>> parameters{{"mq", "on"}};
    if (is_virtio_net_pci_model(device_model)) {
        parameters.emplace_back("vectors", std::to_string(2 * queues + 2));
    }
    return parameters;
}

}  // namespace taplaunch
