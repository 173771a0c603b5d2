#pragma once
// The bridge a NIC names: it must exist and be a Linux bridge.

#include "definition/nic_spec.hpp"
#include "plan/host_facts.hpp"
#include "plan/link_facts.hpp"

#include <cstddef>

namespace taplaunch {

// The bridge that NIC `index` names, as the host reports it. Throws DefinitionError when the
// name is not a device name, no device has it, or the device is not a bridge.
LinkFacts find_bridge(const NicSpec& nic, std::size_t index, const HostFacts& host);

}  // namespace taplaunch
