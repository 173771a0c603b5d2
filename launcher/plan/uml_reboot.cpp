#include "plan/uml_reboot.hpp"

namespace taplaunch {

UmlRebootPlan plan_uml_reboot(UmlTransport transport, const HostFacts& host,
                              std::vector<std::string>& notes)
{
    if (transport != UmlTransport::tap) {
        return {};
    }
    const std::optional<std::string> adapter = host.uml_reboot_adapter();
    if (!adapter) {
        notes.push_back("taplaunch's UML reboot adapter is not installed: a guest that reboots "
                        "itself comes back without its network (reinstall taplaunch, or use "
                        "--uml-transport tuntap)");
        return {};
    }
    return {*adapter, "preload " + *adapter +
                          " into UML (its TAP fds close when a guest's reboot re-executes UML)"};
}

}  // namespace taplaunch
