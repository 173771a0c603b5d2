#pragma once
// The NIC keys that apply to an Open vSwitch port only: iface_id=, vlan=, trunks=.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace taplaunch {

// VLAN ids an OVS port takes (0 and 4095 are reserved by 802.1Q).
inline constexpr unsigned min_vlan_id = 1;
inline constexpr unsigned max_vlan_id = 4094;

// What the user asked of the NIC's port when its bridge is an Open vSwitch bridge.
struct OvsPortSpec {
    std::optional<std::string> iface_id;  // external_ids:iface-id (OVN's logical port name);
                                          // none: stable, from the guest name and NIC index
    std::optional<unsigned> vlan;         // an access port in this VLAN (Port tag)
    std::vector<unsigned> trunks;         // a trunk port carrying these VLANs (Port trunks)

    // Whether any key was written (a Linux bridge takes none of them).
    bool any() const { return iface_id || vlan || !trunks.empty(); }
    // The first key written, for an error ("vlan").
    std::string_view first_key() const;
};

// Whether `key` is one of these keys; if so, reads `value` into `port`. Throws
// DefinitionError starting "nic 'SPEC': " when the value is not usable.
bool apply_ovs_nic_key(OvsPortSpec& port, std::string_view key, std::string_view value,
                       std::string_view spec);

}  // namespace taplaunch
