#pragma once
// The guest's name, which default MACs and owner records carry.

#include "definition/guest_definition.hpp"
#include "emulators/qemu_network_scan.hpp"

#include <string>
#include <vector>

namespace taplaunch {

// taplaunch's own (--name, name=), else QEMU's -name when it is one taplaunch takes (with a
// line in `notes` when it is not), else the profile's stem or "guest".
std::string decide_guest_name(const GuestDefinition& guest, const QemuNetworkScan& scan,
                              std::vector<std::string>& notes);

}  // namespace taplaunch
