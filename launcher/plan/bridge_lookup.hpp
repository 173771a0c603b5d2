#pragma once
// The bridge a NIC names: it must exist and be a Linux bridge or an Open vSwitch bridge.

#include "definition/nic_spec.hpp"
#include "plan/host_facts.hpp"
#include "plan/link_facts.hpp"

#include <cstddef>

namespace taplaunch {

enum class BridgeKind { linux_bridge, open_vswitch };

struct BridgeLink {
    LinkFacts link;  // the bridge's own device (an OVS bridge's internal port)
    BridgeKind kind = BridgeKind::linux_bridge;
};

// The bridge that NIC `index` names, as the host reports it. Throws DefinitionError when the
// name is not a device name, no device has it, or the device is neither a Linux bridge nor an
// Open vSwitch bridge (for a tun or openvswitch device, the OVS database says which it is).
BridgeLink find_bridge(const NicSpec& nic, std::size_t index, const HostFacts& host);

}  // namespace taplaunch
