#include "plan/launch_plan.hpp"

#include "emulators/emulator_argv.hpp"
#include "emulators/qemu_models.hpp"
#include "launch_error.hpp"
#include "plan/emulator_program.hpp"
#include "plan/problem_list.hpp"
#include "plan/tap_names.hpp"

#include <linux/if_tun.h>

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

// An exact TAP name must be free: taplaunch never reuses a device. The hint depends on what
// holds the name: a TAP taplaunch made (gc knows whether its launch is gone), another TAP
// (maybe unused), or a device that is none of taplaunch's business.
void check_ifname_free(const NicSpec& nic, std::size_t index, const HostFacts& host)
{
    if (is_ifname_template(nic.ifname)) {
        return;
    }
    const auto existing = host.find_link(nic.ifname);
    if (!existing) {
        return;
    }
    std::string fix;
    if (existing->kind == "tun") {
        if (const auto owner = parse_owner_record(existing->alias)) {
            fix = "it is a TAP taplaunch made for guest " + owner->guest +
                  ": taplaunch gc --dry-run shows whether its launch is gone and gc removes it "
                  "then; or choose another ifname=";
        } else {
            fix = "a TAP taplaunch did not make: remove it with ip link del " + nic.ifname +
                  " if nothing uses it, or choose another ifname=";
        }
    } else {
        fix = "choose another ifname=";
    }
    throw DefinitionError(nic_context(index) + "device '" + nic.ifname +
                          "' already exists and taplaunch never reuses a device (" + fix + ")");
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

// The TAP's MTU: mtu= or the bridge's, within what the bridge reports it takes; with a note
// when it differs from the bridge's.
unsigned decide_mtu(const NicSpec& nic, std::size_t index, const LinkFacts& bridge,
                    std::vector<std::string>& notes)
{
    if (!nic.mtu) {
        return bridge.mtu;
    }
    const unsigned mtu = *nic.mtu;
    if ((bridge.min_mtu && mtu < bridge.min_mtu) || (bridge.max_mtu && mtu > bridge.max_mtu)) {
        throw DefinitionError(nic_context(index) + "mtu " + std::to_string(mtu) + " is outside " +
                              std::to_string(bridge.min_mtu) + ".." +
                              std::to_string(bridge.max_mtu) + ", what bridge " + bridge.name +
                              " takes (choose an mtu= in that range)");
    }
    const std::string bridge_mtu = std::to_string(bridge.mtu);
    if (mtu < bridge.mtu) {
        notes.push_back(nic_context(index) + "mtu " + std::to_string(mtu) + " is below bridge " +
                        bridge.name + "'s MTU " + bridge_mtu +
                        ": the bridge lowers its own MTU to match when the TAP joins, unless its "
                        "MTU was set by hand (ip link set " + bridge.name + " mtu " + bridge_mtu +
                        " pins it)");
    } else if (mtu > bridge.mtu) {
        notes.push_back(nic_context(index) + "mtu " + std::to_string(mtu) + " is above bridge " +
                        bridge.name + "'s MTU " + bridge_mtu +
                        ": frames larger than the bridge's other ports take do not cross it");
    }
    return mtu;
}

// Two NICs of one guest must never ask for the same TAP: neither the same exact name nor an
// exact name that another NIC's template could be given first.
void check_ifnames_distinct(const std::vector<NicSpec>& nics, ProblemList& problems)
{
    for (std::size_t later = 0; later < nics.size(); ++later) {
        for (std::size_t earlier = 0; earlier < later; ++earlier) {
            problems.check([&] {
                const std::string& a = nics[earlier].ifname;
                const std::string& b = nics[later].ifname;
                if (a == b && !is_ifname_template(a)) {
                    throw DefinitionError(nic_context(later) + "ifname '" + b + "' is nic " +
                                          std::to_string(earlier) +
                                          "'s too (give each NIC its own)");
                }
                if (template_could_produce(a, b) || template_could_produce(b, a)) {
                    throw DefinitionError(nic_context(later) + "ifname '" + b + "' and nic " +
                                          std::to_string(earlier) + "'s '" + a +
                                          "' can name the same TAP (give the exact name another "
                                          "prefix, or use templates for both)");
                }
            });
        }
    }
}

// Two NICs with one MAC would put two TAPs with one address on a bridge.
void check_macs_distinct(const std::vector<TapPlan>& taps, ProblemList& problems)
{
    for (std::size_t later = 0; later < taps.size(); ++later) {
        for (std::size_t earlier = 0; earlier < later; ++earlier) {
            problems.check([&] {
                if (taps[later].guest_mac == taps[earlier].guest_mac) {
                    throw DefinitionError(nic_context(taps[later].nic_index) + "mac " +
                                          taps[later].guest_mac.to_string() + " is nic " +
                                          std::to_string(taps[earlier].nic_index) +
                                          "'s too (give each NIC its own mac=)");
                }
            });
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

// The owner of persistent TAPs.
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

}  // namespace

LaunchPlan make_launch_plan(const GuestDefinition& guest, const HostFacts& host,
                            bool list_every_problem)
{
    ProblemList problems(list_every_problem);
    LaunchPlan plan;
    plan.guest_name = guest.name;
    plan.emulator_kind = decide_emulator_kind(guest);
    const bool uml = plan.emulator_kind == EmulatorKind::uml;
    problems.check([&] {
        if (!uml && guest.uml_transport_given) {
            throw DefinitionError("--uml-transport applies only to UML guests (drop it, or add "
                                  "--emulator-kind uml)");
        }
        if (!uml && guest.uml_xstate_adapter != UmlXstateAdapter::automatic) {
            throw DefinitionError("--uml-xstate-adapter applies only to UML guests (drop it, or "
                                  "add --emulator-kind uml)");
        }
    });
    plan.uml_transport = guest.uml_transport;
    const bool by_name = uml && plan.uml_transport != UmlTransport::fd;
    plan.handoff = (by_name || guest.supervise) ? Handoff::supervise : Handoff::exec;
    uid_t owner_uid = host.caller_uid();
    problems.check([&] { owner_uid = decide_owner(guest, by_name, host); });
    const std::string owner_alias =
        by_name ? format_owner_record({host.current_process(), guest.name}) : std::string();

    check_ifnames_distinct(guest.nics, problems);
    const unsigned tun_features = guest.nics.empty() ? 0 : host.tun_features();
    const std::vector<int> emulator_fds =
        choose_emulator_fds(guest.nics.size(), host.inherited_fds());
    for (std::size_t index = 0; index < guest.nics.size(); ++index) {
        problems.check([&] {
            const NicSpec& nic = guest.nics[index];
            const LinkFacts bridge = find_bridge(nic, index, host);
            if (uml) {
                check_uml_nic(nic, index, plan.uml_transport);
            }
            check_ifname_free(nic, index, host);

            TapPlan tap;
            tap.nic_index = index;
            tap.requested_ifname = nic.ifname;
            tap.predicted_ifname = nic.ifname;
            tap.bridge = bridge.name;
            tap.bridge_ifindex = bridge.ifindex;
            tap.guest_mac = nic.guest_mac.value_or(default_guest_mac(guest.name, index));
            tap.tap_mac = tap_mac_for(tap.guest_mac);
            tap.mtu = decide_mtu(nic, index, bridge, plan.notes);
            tap.device_model = uml ? std::string() : qemu_device_model(nic.model);
            tap.vnet_hdr =
                uml ? false : decide_qemu_vnet_hdr(nic, index, tap.device_model, tun_features);
            tap.emulator_fd = by_name ? -1 : emulator_fds[index];
            tap.persistent = by_name;
            tap.owner_uid = owner_uid;
            tap.owner_alias = owner_alias;
            plan.taps.push_back(tap);
        });
    }
    check_macs_distinct(plan.taps, problems);

    try {
        plan.emulator_path = resolve_emulator(guest, host);
    } catch (const HostError& error) {
        // With definition problems to list, the missing emulator is one more line of them.
        if (list_every_problem && !problems.empty()) {
            problems.check([&] { throw DefinitionError(error.what()); });
            problems.throw_if_any();
        }
        throw;
    }
    if (uml) {
        problems.check([&] {
            plan.uml_xstate = plan_uml_xstate(guest.uml_xstate_adapter,
                                              resolve_uml_program(guest, plan.emulator_path, host),
                                              host);
        });
    }
    problems.throw_if_any();

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
