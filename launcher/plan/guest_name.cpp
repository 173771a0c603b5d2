#include "plan/guest_name.hpp"

#include "launch_error.hpp"

namespace taplaunch {

std::string decide_guest_name(const GuestDefinition& guest, const QemuNetworkScan& scan,
                              std::vector<std::string>& notes)
{
    if (guest.name_given || !scan.guest_name) {
        return guest.name;
    }
    try {
        check_guest_name(*scan.guest_name);
        return *scan.guest_name;
    } catch (const DefinitionError&) {
        if (guest.nics.empty() && scan.bridge_nics.empty()) {
            return guest.name;  // no default MAC depends on it
        }
        notes.push_back("QEMU's -name '" + *scan.guest_name + "' is not a taplaunch guest name; "
                        "using '" + guest.name + "' (give --name to choose)");
        return guest.name;
    }
}

}  // namespace taplaunch
