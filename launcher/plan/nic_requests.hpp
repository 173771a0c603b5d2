#pragma once
// The NICs a launch plans, in guest order: QEMU's own bridge forms, then --nic.

#include "definition/guest_definition.hpp"
#include "definition/nic_spec.hpp"
#include "emulators/qemu_network_scan.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace taplaunch {

// One NIC to plan: a --nic (or profile nic=), or one of QEMU's own bridge forms to take over.
struct NicRequest {
    NicSpec spec;
    std::string device_model;                 // QEMU device; empty: UML, or QEMU's default
    std::optional<std::size_t> bridge_form;   // index into the scan's bridge NICs
};

// The user's QEMU bridge forms first (they come first in the emulator's arguments, and so
// on the guest's buses), then the --nic NICs, which taplaunch appends.
std::vector<NicRequest> nic_requests(const GuestDefinition& guest, bool uml,
                                     const QemuNetworkScan& scan);

// Whether any TAP will be made, and so needs this process's identity for its owner record.
bool requests_need_identity(const GuestDefinition& guest, const QemuNetworkScan& scan);

}  // namespace taplaunch
