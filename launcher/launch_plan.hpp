#pragma once
// LaunchPlan: exactly what a launch will do to the host and what it will run, computed from
// the definition and host facts before anything changes.

#include "guest_definition.hpp"
#include "host_facts.hpp"
#include "mac_address.hpp"

#include <sys/types.h>

#include <string>
#include <vector>

namespace taplaunch {

// One TAP to create for one guest NIC.
struct TapPlan {
    std::size_t nic_index = 0;
    std::string requested_ifname;  // exact name or %d template, passed to TUNSETIFF
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

// How taplaunch hands over: exec (the emulator takes taplaunch's PID, the TAPs go with it)
// or supervise (taplaunch stays the parent and removes the TAPs after the emulator exits).
enum class Handoff { exec, supervise };

struct LaunchPlan {
    std::string guest_name;
    EmulatorKind emulator_kind = EmulatorKind::qemu;
    UmlTransport uml_transport = UmlTransport::tap;
    Handoff handoff = Handoff::exec;
    std::string emulator_path;     // what exec runs
    std::vector<TapPlan> taps;
    std::vector<std::string> base_argv;  // argv[0] as the user wrote it, then their arguments
    std::vector<std::string> argv;  // the full command with TAP names as requested (dry run)
};

// Plans a launch. Throws DefinitionError when the definition does not fit the host (missing
// bridge, taken TAP name, vnet_hdr=on without kernel support) and HostError when the
// emulator cannot be found.
LaunchPlan make_launch_plan(const GuestDefinition& guest, const HostFacts& host);

// The emulator's full argv: base_argv, then each TAP in the emulator's form (for UML, before
// a "--" that starts the guest init's arguments, if there is one). `tap_names`
// holds each TAP's real name (the requested name or template before creation).
std::vector<std::string> emulator_argv(const LaunchPlan& plan,
                                       const std::vector<std::string>& tap_names);

// Whether a QEMU NIC model reads and writes the virtio-net header, so that its TAP
// should carry one (virtio models and those QEMU gives offloads: e1000e, igb, vmxnet3).
bool model_uses_vnet_hdr(std::string_view device_model);

}  // namespace taplaunch
