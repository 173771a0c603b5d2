#pragma once
// NicSpec: one guest NIC as the user wrote it, "bridge=br0,mac=...,model=virtio".

#include "definition/auto_on_off.hpp"
#include "definition/mac_address.hpp"
#include "definition/nic_spec_macvtap.hpp"
#include "definition/nic_spec_ovs.hpp"
#include "definition/port_lock.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace taplaunch {

// Whether the TAP carries a virtio-net header in front of every frame (IFF_VNET_HDR). auto:
// on for models that use the header, when the kernel supports it; on: an error where the
// kernel lacks it.
using VnetHdrMode = AutoOnOff;

// Whether QEMU's virtio-net uses the kernel's vhost-net for the NIC (/dev/vhost-net). auto:
// for virtio models, when /dev/vhost-net can be opened; on: an error where it cannot be.
using VhostMode = AutoOnOff;

// The most queues one TAP may have (the kernel's MAX_TAP_QUEUES is 256; QEMU's virtio-net
// takes up to 1024 but its vectors, 2N+2, fit MSI-X only up to this).
inline constexpr unsigned max_tap_queues = 64;

struct NicSpec {
    std::string bridge;                  // an existing Linux or Open vSwitch bridge (empty
                                         // for a macvtap NIC)
    MacvtapSpec macvtap;                 // macvtap=LOWER: a macvtap on a host interface
                                         // instead of a TAP on a bridge
    std::optional<MacAddress> guest_mac; // none: derived from the guest name and NIC index
    std::string model = "virtio";        // "virtio" or a QEMU NIC device name
    bool model_given = false;            // model= was written (UML has no NIC models)
    std::string ifname = "tap%d";        // exact TAP name, or a template with one %d
                                         // (a macvtap NIC's default: macvtap%d)
    std::optional<unsigned> mtu;         // none: the bridge's MTU
    VnetHdrMode vnet_hdr = VnetHdrMode::automatic;
    unsigned queues = 1;                 // TAP queues (IFF_MULTI_QUEUE when more than one)
    bool queues_given = false;           // queues= was written
    VhostMode vhost = VhostMode::automatic;
    bool vhost_given = false;            // vhost= was written
    bool isolated = false;               // the bridge port's isolated flag (IFLA_BRPORT_ISOLATED;
                                         // on Open vSwitch, the port's protected flag)
    OvsPortSpec ovs;                     // keys for an Open vSwitch port only
    PortLock lock;                       // lock= and ip=: what the guest may send
};

// Longest interface name the kernel takes (IFNAMSIZ - 1).
inline constexpr std::size_t max_ifname_length = 15;
// The MTUs a TAP takes: IPv4's minimum, and the TUN driver's maximum (65535 less the 14-byte
// Ethernet header).
inline constexpr unsigned min_tap_mtu = 68;
inline constexpr unsigned max_tap_mtu = 65521;

// A key of the NIC spec, for help texts.
struct NicSpecKey {
    std::string_view name;     // "bridge"
    std::string_view example;  // "bridge=NAME"
    std::string_view help;     // one line
};

// Every key parse_nic_spec knows, in the order help lists them.
const std::vector<NicSpecKey>& nic_spec_keys();

// Parses one --nic / nic= value. Throws DefinitionError naming the key and the fix.
NicSpec parse_nic_spec(std::string_view text);

// Checks an interface name or %d template (bridge or TAP); returns what is wrong, or nullopt.
std::optional<std::string> ifname_problem(std::string_view name, bool template_allowed);

}  // namespace taplaunch
