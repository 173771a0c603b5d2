#include "plan/launch_plan.hpp"

#include "emulators/emulator_argv.hpp"
#include "emulators/qemu_models.hpp"
#include "launch_error.hpp"

#include <linux/if_tun.h>

#include <algorithm>
#include <set>

namespace taplaunch {

namespace {

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

bool decide_qemu_vnet_hdr(const NicSpec& nic, std::size_t index, const std::string& device_model,
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

// UML has no NIC models, and the header is not taplaunch's to choose: with tap/tuntap UML
// opens the TAP itself with its own flags, and the fd transport reads plain frames.
void check_uml_nic(const NicSpec& nic, std::size_t index, UmlTransport transport)
{
    if (nic.model_given) {
        throw DefinitionError(nic_context(index) + "model=" + nic.model +
                              " applies to QEMU only (UML guests have one NIC type: drop model=)");
    }
    if (transport == UmlTransport::fd && nic.vnet_hdr == VnetHdrMode::on) {
        throw DefinitionError(nic_context(index) +
                              "vnet_hdr=on does not work with --uml-transport fd (UML reads plain "
                              "frames from the fd: use vnet_hdr=auto or off)");
    }
    if (transport != UmlTransport::fd && nic.vnet_hdr != VnetHdrMode::automatic) {
        throw DefinitionError(nic_context(index) + "vnet_hdr= does not apply to --uml-transport " +
                              std::string(to_string(transport)) +
                              " (UML opens the TAP itself and chooses: drop vnet_hdr=)");
    }
}

// Whether the kernel could give a TAP requested as `ifname_template` (one %d) the name
// `exact`: the same text around the %d, and digits in its place.
bool template_could_produce(std::string_view ifname_template, std::string_view exact)
{
    const std::size_t percent = ifname_template.find("%d");
    if (percent == std::string_view::npos) {
        return false;
    }
    const std::string_view prefix = ifname_template.substr(0, percent);
    const std::string_view suffix = ifname_template.substr(percent + 2);
    if (exact.size() <= prefix.size() + suffix.size() || !exact.starts_with(prefix) ||
        !exact.ends_with(suffix)) {
        return false;
    }
    const std::string_view digits =
        exact.substr(prefix.size(), exact.size() - prefix.size() - suffix.size());
    return digits.find_first_not_of("0123456789") == std::string_view::npos;
}

// Two NICs of one guest must never ask for the same TAP: neither the same exact name nor an
// exact name that another NIC's template could be given first.
void check_ifnames_distinct(const std::vector<NicSpec>& nics)
{
    for (std::size_t later = 0; later < nics.size(); ++later) {
        for (std::size_t earlier = 0; earlier < later; ++earlier) {
            const std::string& a = nics[earlier].ifname;
            const std::string& b = nics[later].ifname;
            if (a == b && a.find('%') == std::string::npos) {
                throw DefinitionError(nic_context(later) + "ifname '" + b + "' is nic " +
                                      std::to_string(earlier) + "'s too (give each NIC its own)");
            }
            if (template_could_produce(a, b) || template_could_produce(b, a)) {
                throw DefinitionError(nic_context(later) + "ifname '" + b + "' and nic " +
                                      std::to_string(earlier) + "'s '" + a +
                                      "' can name the same TAP (give the exact name another "
                                      "prefix, or use templates for both)");
            }
        }
    }
}

// Two NICs with one MAC would put two TAPs with one address on a bridge.
void check_macs_distinct(const std::vector<TapPlan>& taps)
{
    for (std::size_t later = 0; later < taps.size(); ++later) {
        for (std::size_t earlier = 0; earlier < later; ++earlier) {
            if (taps[later].guest_mac == taps[earlier].guest_mac) {
                throw DefinitionError(nic_context(later) + "mac " +
                                      taps[later].guest_mac.to_string() + " is nic " +
                                      std::to_string(earlier) +
                                      "'s too (give each NIC its own mac=)");
            }
        }
    }
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

EmulatorKind decide_kind(const GuestDefinition& guest)
{
    const auto kind =
        guest.emulator_kind ? guest.emulator_kind : detect_emulator_kind(guest.emulator);
    if (!kind) {
        throw DefinitionError("cannot tell whether '" + guest.emulator +
                              "' is QEMU or UML from its name (add --emulator-kind qemu or "
                              "--emulator-kind uml)");
    }
    return *kind;
}

// Whether TAPs must outlive taplaunch's fds, and the owner they then get.
uid_t decide_owner(const GuestDefinition& guest, bool persistent, const HostFacts& host)
{
    if (!guest.owner) {
        return host.caller_uid();
    }
    if (!persistent) {
        throw DefinitionError("--owner applies only to TAPs that UML opens by name (--uml-transport "
                              "tap or tuntap); drop --owner");
    }
    const auto uid = host.resolve_user(*guest.owner);
    if (!uid) {
        throw DefinitionError("owner '" + *guest.owner +
                              "' is not a user on this host (give a user name or numeric uid)");
    }
    return *uid;
}

// The UML program itself: the emulator, or, when the emulator is a wrapper (sudo -u alice --
// linux ...), the first of its words that names UML; nullopt-free: falls back to the emulator.
std::string uml_program(const GuestDefinition& guest, const std::string& emulator_path,
                        const HostFacts& host)
{
    if (detect_emulator_kind(guest.emulator) == EmulatorKind::uml) {
        return emulator_path;
    }
    for (const std::string& word : guest.emulator_args) {
        if (detect_emulator_kind(word) == EmulatorKind::uml) {
            return host.resolve_program(word).value_or(emulator_path);
        }
    }
    return emulator_path;
}

}  // namespace

LaunchPlan make_launch_plan(const GuestDefinition& guest, const HostFacts& host)
{
    LaunchPlan plan;
    plan.guest_name = guest.name;
    plan.emulator_kind = decide_kind(guest);
    const bool uml = plan.emulator_kind == EmulatorKind::uml;
    if (!uml && guest.uml_transport_given) {
        throw DefinitionError("--uml-transport applies only to UML guests (drop it, or add "
                              "--emulator-kind uml)");
    }
    plan.uml_transport = guest.uml_transport;
    const bool by_name = uml && plan.uml_transport != UmlTransport::fd;
    plan.handoff = (by_name || guest.supervise) ? Handoff::supervise : Handoff::exec;
    const uid_t owner_uid = decide_owner(guest, by_name, host);
    const std::string owner_alias =
        by_name ? format_owner_record({host.current_process(), guest.name}) : std::string();

    check_ifnames_distinct(guest.nics);
    const unsigned tun_features = guest.nics.empty() ? 0 : host.tun_features();
    const std::vector<int> emulator_fds =
        choose_emulator_fds(guest.nics.size(), host.inherited_fds());
    for (std::size_t index = 0; index < guest.nics.size(); ++index) {
        const NicSpec& nic = guest.nics[index];
        const LinkFacts bridge = find_bridge(nic, index, host);
        if (uml) {
            check_uml_nic(nic, index, plan.uml_transport);
        }

        if (nic.ifname.find('%') == std::string::npos) {
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
        tap.device_model = uml ? std::string() : qemu_device_model(nic.model);
        tap.vnet_hdr = uml ? false : decide_qemu_vnet_hdr(nic, index, tap.device_model, tun_features);
        tap.emulator_fd = by_name ? -1 : emulator_fds[index];
        tap.persistent = by_name;
        tap.owner_uid = owner_uid;
        tap.owner_alias = owner_alias;
        plan.taps.push_back(tap);
    }
    check_macs_distinct(plan.taps);

    const auto path = host.resolve_program(guest.emulator);
    if (!path) {
        throw HostError("emulator '" + guest.emulator + "' not found" +
                        (guest.emulator.find('/') == std::string::npos ? " in PATH" : "") +
                        " or not executable (install it, e.g. apt-get install " +
                        (uml ? "user-mode-linux" : "qemu-system-x86") + ", or give its full path)");
    }
    plan.emulator_path = *path;
    if (uml) {
        plan.uml_xstate =
            plan_uml_xstate(guest.uml_xstate_adapter, uml_program(guest, *path, host), host);
    } else if (guest.uml_xstate_adapter != UmlXstateAdapter::automatic) {
        throw DefinitionError("--uml-xstate-adapter applies only to UML guests (drop it, or add "
                              "--emulator-kind uml)");
    }
    plan.base_argv.push_back(guest.emulator);
    plan.base_argv.insert(plan.base_argv.end(), guest.emulator_args.begin(),
                          guest.emulator_args.end());
    std::vector<std::string> requested_names;
    for (const TapPlan& tap : plan.taps) {
        requested_names.push_back(tap.requested_ifname);
    }
    plan.argv = emulator_argv(plan, requested_names);
    return plan;
}

}  // namespace taplaunch
