#include "emulators/uml_arguments.hpp"

namespace taplaunch {

std::string uml_nic_argument(UmlTransport transport, const TapPlan& tap,
                             const std::string& tap_name)
{
    const std::string index = std::to_string(tap.nic_index);
    const std::string mac = tap.guest_mac.to_string();
    switch (transport) {
    case UmlTransport::tap:
        return "vec" + index + ":transport=tap,ifname=" + tap_name + ",mac=" + mac + ",gro=1";
    case UmlTransport::tuntap:
        return "eth" + index + "=tuntap," + tap_name + "," + mac;
    case UmlTransport::fd:
        return "vec" + index + ":transport=fd,fd=" + std::to_string(tap.queue_fds.at(0)) + ",mac=" +
               mac + ",vec=0";
    }
    return {};
}

}  // namespace taplaunch
