#include "plan/nic_requests.hpp"

#include "emulators/qemu_models.hpp"

namespace taplaunch {

std::vector<NicRequest> nic_requests(const GuestDefinition& guest, bool uml,
                                     const QemuNetworkScan& scan)
{
    std::vector<NicRequest> requests;
    for (std::size_t form = 0; form < scan.bridge_nics.size(); ++form) {
        const QemuBridgeNic& found = scan.bridge_nics[form];
        NicRequest request;
        request.spec.bridge = found.bridge;
        request.spec.guest_mac = found.mac;
        request.spec.vhost = VhostMode::off;  // QEMU's bridge backend has no vhost either
        request.device_model = found.model.value_or("");
        request.bridge_form = form;
        requests.push_back(std::move(request));
    }
    for (const NicSpec& spec : guest.nics) {
        requests.push_back({spec, uml ? std::string() : qemu_device_model(spec.model), {}});
    }
    return requests;
}

bool requests_need_identity(const GuestDefinition& guest, const QemuNetworkScan& scan)
{
    return !guest.nics.empty() || !scan.bridge_nics.empty();
}

}  // namespace taplaunch
