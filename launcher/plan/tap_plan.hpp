#pragma once
// TapPlan: one TAP to create for one guest NIC, decided before anything on the host changes.

#include "definition/mac_address.hpp"

#include <sys/types.h>

#include <cstddef>
#include <string>

namespace taplaunch {

struct TapPlan {
    std::size_t nic_index = 0;
    std::string requested_ifname;  // exact name or %d template, passed to TUNSETIFF
    std::string predicted_ifname;  // the name the kernel will give it (a template's lowest free number)
    std::string bridge;
    int bridge_ifindex = 0;
    MacAddress guest_mac;          // the address inside the guest
    MacAddress tap_mac;            // tap_mac_for(guest_mac), set before the TAP joins
    unsigned mtu = 0;
    bool vnet_hdr = false;         // IFF_VNET_HDR
    std::string device_model;      // QEMU -device name ("virtio" resolved to virtio-net-pci)
    int emulator_fd = -1;          // the fd number the emulator finds the TAP at; -1: by name
    bool persistent = false;       // outlives taplaunch's fd (UML opens it by name)
    uid_t owner_uid = 0;           // TUNSETOWNER, for persistent TAPs
    std::string owner_alias;       // IFLA_IFALIAS recording the owner, for persistent TAPs
};

}  // namespace taplaunch
