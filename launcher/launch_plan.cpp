#include "launch_plan.hpp"

#include "launch_error.hpp"
#include "qemu_arguments.hpp"

#include <linux/if_tun.h>

#include <set>

namespace taplaunch {

namespace {

std::string device_model_for(const std::string& model)
{
    return model == "virtio" ? "virtio-net-pci" : model;
}

std::string nic_context(std::size_t index)
{
    return "nic " + std::to_string(index) + ": ";
}

LinkFacts find_bridge(const NicSpec& nic, std::size_t index, const HostFacts& host)
{
    const auto bridge = host.find_link(nic.bridge);
    if (!bridge) {
        throw DefinitionError(nic_context(index) + "bridge '" + nic.bridge +
                              "' does not exist (create it with: ip link add " + nic.bridge +
                              " type bridge)");
    }
    if (bridge->kind != "bridge") {
        throw DefinitionError(nic_context(index) + "'" + nic.bridge + "' is " +
                              (bridge->kind.empty() ? "not a bridge"
                                                    : "a " + bridge->kind + " device, not a bridge") +
                              " (name a Linux bridge: ip -d link show type bridge lists them)");
    }
    return *bridge;
}

bool decide_vnet_hdr(const NicSpec& nic, std::size_t index, const std::string& device_model,
                     unsigned tun_features)
{
    const bool kernel_has_it = (tun_features & IFF_VNET_HDR) != 0;
    switch (nic.vnet_hdr) {
    case VnetHdrMode::off:
        return false;
    case VnetHdrMode::on:
        if (!kernel_has_it) {
            throw DefinitionError(nic_context(index) +
                                  "vnet_hdr=on but this kernel's TUN driver lacks IFF_VNET_HDR "
                                  "(use vnet_hdr=auto or off)");
        }
        return true;
    case VnetHdrMode::automatic:
        break;
    }
    return kernel_has_it && model_uses_vnet_hdr(device_model);
}

// The lowest `count` fd numbers from 3 up that the caller did not hand us.
std::vector<int> choose_emulator_fds(std::size_t count, const std::set<int>& inherited)
{
    std::vector<int> fds;
    for (int fd = 3; fds.size() < count; ++fd) {
        if (!inherited.contains(fd)) {
            fds.push_back(fd);
        }
    }
    return fds;
}

}  // namespace

bool model_uses_vnet_hdr(std::string_view device_model)
{
    return device_model.starts_with("virtio-net") || device_model == "e1000e" ||
           device_model == "igb" || device_model == "vmxnet3";
}

LaunchPlan make_launch_plan(const GuestDefinition& guest, const HostFacts& host)
{
    LaunchPlan plan;
    plan.guest_name = guest.name;

    const auto kind = guest.emulator_kind ? guest.emulator_kind
                                          : detect_emulator_kind(guest.emulator);
    if (!kind) {
        throw DefinitionError("cannot tell whether '" + guest.emulator +
                              "' is QEMU or UML from its name (add --emulator-kind qemu or "
                              "--emulator-kind uml)");
    }
    plan.emulator_kind = *kind;
    if (plan.emulator_kind == EmulatorKind::uml) {
        throw DefinitionError("UML guests are not supported by this version yet (use a QEMU "
                              "emulator, or --emulator-kind qemu)");
    }

    std::set<std::string> exact_ifnames;
    const unsigned tun_features = guest.nics.empty() ? 0 : host.tun_features();
    const std::vector<int> emulator_fds = choose_emulator_fds(guest.nics.size(), host.inherited_fds());
    for (std::size_t index = 0; index < guest.nics.size(); ++index) {
        const NicSpec& nic = guest.nics[index];
        const LinkFacts bridge = find_bridge(nic, index, host);

        if (nic.ifname.find('%') == std::string::npos) {
            if (!exact_ifnames.insert(nic.ifname).second) {
                throw DefinitionError(nic_context(index) + "ifname '" + nic.ifname +
                                      "' is used by an earlier NIC too (give each NIC its own)");
            }
            if (host.find_link(nic.ifname)) {
                throw DefinitionError(nic_context(index) + "device '" + nic.ifname +
                                      "' already exists (taplaunch never reuses a device: "
                                      "choose another ifname=, or remove it with: ip link del " +
                                      nic.ifname + ")");
            }
        }

        TapPlan tap;
        tap.nic_index = index;
        tap.requested_ifname = nic.ifname;
        tap.bridge = bridge.name;
        tap.bridge_ifindex = bridge.ifindex;
        tap.guest_mac = nic.guest_mac.value_or(default_guest_mac(guest.name, index));
        tap.tap_mac = tap_mac_for(tap.guest_mac);
        tap.mtu = nic.mtu.value_or(bridge.mtu);
        tap.device_model = device_model_for(nic.model);
        tap.vnet_hdr = decide_vnet_hdr(nic, index, tap.device_model, tun_features);
        tap.emulator_fd = emulator_fds[index];
        plan.taps.push_back(tap);
    }

    const auto path = host.resolve_program(guest.emulator);
    if (!path) {
        throw HostError("emulator '" + guest.emulator + "' not found" +
                        (guest.emulator.find('/') == std::string::npos ? " in PATH" : "") +
                        " or not executable (install it, e.g. apt-get install qemu-system-x86, "
                        "or give its full path)");
    }
    plan.emulator_path = *path;

    plan.argv.push_back(guest.emulator);
    plan.argv.insert(plan.argv.end(), guest.emulator_args.begin(), guest.emulator_args.end());
    for (const TapPlan& tap : plan.taps) {
        append_qemu_nic_arguments(plan.argv, tap);
    }
    return plan;
}

}  // namespace taplaunch
