#pragma once
// TapPlan: one TAP to create for one guest NIC, decided before anything on the host changes.

#include "definition/mac_address.hpp"
#include "definition/port_lock.hpp"
#include "plan/macvtap_plan.hpp"
#include "plan/ovs_port_plan.hpp"
#include "plan/port_lock_filter.hpp"

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace taplaunch {

// The most fds taplaunch hands the emulator for its TAPs (queues and vhost-net together).
inline constexpr std::size_t max_emulator_fds = 1024;

struct TapPlan {
    std::size_t nic_index = 0;
    std::string requested_ifname;  // exact name or %d template, passed to TUNSETIFF
    std::string predicted_ifname;  // the name the kernel will give it (a template's lowest free number)
    std::string bridge;
    int bridge_ifindex = 0;
    MacAddress guest_mac;          // the address inside the guest
    MacAddress tap_mac;            // tap_mac_for(guest_mac), set before the TAP joins
    unsigned mtu = 0;
    bool isolated = false;         // the bridge port's isolated flag, set between attach and up
    std::optional<OvsPortPlan> ovs;  // the bridge is an Open vSwitch bridge: the TAP joins it
                                     // as this port (ovs-vsctl) instead of by IFLA_MASTER
    std::optional<MacvtapPlan> macvtap;  // a macvtap on a host interface instead of a TAP on
                                         // a bridge (bridge empty; tap_mac is the guest's MAC)
    PortLock lock;                 // what the guest may send (lock=, ip=)
    std::vector<BpfInstruction> lock_filter;  // the TAP's ingress filter; empty for lock=off
    bool vnet_hdr = false;         // IFF_VNET_HDR
    std::string device_model;      // QEMU -device name ("virtio" resolved to virtio-net-pci);
                                   // empty for UML, and for a rewritten -nic without model=
                                   // (QEMU then uses the machine's default)
    unsigned queues = 1;           // IFF_MULTI_QUEUE when more than one
    std::vector<int> queue_fds;    // the fd numbers the emulator finds the TAP's queues at;
                                   // empty: the emulator opens the TAP by name
    std::vector<int> vhost_fds;    // the fd numbers of /dev/vhost-net, one per queue; empty:
                                   // no vhost-net
    std::string netdev_id;         // QEMU: the -netdev id the NIC uses
    std::optional<std::size_t> bridge_form;  // QEMU: the user's bridge form this TAP replaces
                                             // (an index into LaunchPlan::qemu_network)
    bool persistent = false;       // outlives taplaunch's fd (UML opens it by name)
    uid_t owner_uid = 0;           // TUNSETOWNER, for persistent TAPs
    std::string owner_alias;       // IFLA_IFALIAS recording the owner (plan/owner_record.hpp):
                                   // set before persistence for a persistent TAP, else in the
                                   // same request as its MAC
};

}  // namespace taplaunch
