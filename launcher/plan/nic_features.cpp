#include "plan/nic_features.hpp"

#include "emulators/qemu_models.hpp"
#include "launch_error.hpp"
#include "plan/nic_context.hpp"

#include <linux/if_tun.h>

namespace taplaunch {

bool decide_qemu_vnet_hdr(const NicSpec& nic, std::size_t index, const std::string& device_model,
                          unsigned tun_features)
{
    const bool kernel_has_it = (tun_features & IFF_VNET_HDR) != 0;
    switch (nic.vnet_hdr) {
    case VnetHdrMode::off:
        return false;
    case VnetHdrMode::on:
        if (!kernel_has_it) {
            throw DefinitionError(nic_context(index) +
                                  "vnet_hdr=on but this kernel's TUN driver lacks IFF_VNET_HDR "
                                  "(use vnet_hdr=auto or off)");
        }
        return true;
    case VnetHdrMode::automatic:
        break;
    }
    // A model taplaunch does not know (QEMU's machine default): QEMU's tap backend adds and
    // strips the header itself for models that do not use it, so the header costs nothing.
    return kernel_has_it && (device_model.empty() || model_uses_vnet_hdr(device_model));
}

bool decide_vhost(const NicSpec& nic, std::size_t index, const std::string& device_model,
                  const HostFacts& host)
{
    const bool virtio = is_virtio_net_model(device_model);
    switch (nic.vhost) {
    case VhostMode::off:
        return false;
    case VhostMode::on:
        if (!virtio) {
            throw DefinitionError(nic_context(index) + "vhost=on needs a virtio NIC, not " +
                                  (device_model.empty() ? "the machine's default" : device_model) +
                                  " (drop vhost=, or use model=virtio)");
        }
        if (!host.vhost_net_available()) {
            throw DefinitionError(nic_context(index) +
                                  "vhost=on but /dev/vhost-net cannot be opened (load it: modprobe "
                                  "vhost_net; or use vhost=auto, which goes without)");
        }
        return true;
    case VhostMode::automatic:
        break;
    }
    return virtio && host.vhost_net_available();
}

// Several queues need a NIC that has them: QEMU's virtio-net.
void check_queues(const NicSpec& nic, std::size_t index, const std::string& device_model)
{
    if (nic.queues > 1 && !is_virtio_net_model(device_model)) {
        throw DefinitionError(nic_context(index) + "queues=" + std::to_string(nic.queues) +
                              " needs a virtio NIC; " +
                              (device_model.empty() ? "the machine's default" : device_model) +
                              " has one queue (drop queues=, or use model=virtio)");
    }
}

// UML has no NIC models, and the header is not taplaunch's to choose: with tap/tuntap UML
// opens the TAP itself with its own flags, and the fd transport reads plain frames.
void check_uml_nic(const NicSpec& nic, std::size_t index, UmlTransport transport)
{
    if (nic.model_given) {
        throw DefinitionError(nic_context(index) + "model=" + nic.model +
                              " applies to QEMU only (UML guests have one NIC type: drop model=)");
    }
    if (transport == UmlTransport::fd && nic.vnet_hdr == VnetHdrMode::on) {
        throw DefinitionError(nic_context(index) +
                              "vnet_hdr=on does not work with --uml-transport fd (UML reads plain "
                              "frames from the fd: use vnet_hdr=auto or off)");
    }
    if (transport != UmlTransport::fd && nic.vnet_hdr != VnetHdrMode::automatic) {
        throw DefinitionError(nic_context(index) + "vnet_hdr= does not apply to --uml-transport " +
                              std::string(to_string(transport)) +
                              " (UML opens the TAP itself and chooses: drop vnet_hdr=)");
    }
    if (nic.queues_given && nic.queues != 1) {
        throw DefinitionError(nic_context(index) + "queues=" + std::to_string(nic.queues) +
                              " does not apply to UML, whose NICs have one queue (drop queues=)");
    }
    if (nic.vhost_given && nic.vhost != VhostMode::off) {
        throw DefinitionError(nic_context(index) +
                              "vhost= applies to QEMU only (UML has no vhost-net: drop vhost=)");
    }
}

}  // namespace taplaunch
