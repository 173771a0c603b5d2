#include "plan/launch_plan.hpp"

#include "emulators/emulator_argv.hpp"
#include "emulators/qemu_arguments.hpp"
#include "emulators/qemu_bridge_rewrite.hpp"
#include "emulators/qemu_id_allocator.hpp"
#include "emulators/qemu_models.hpp"
#include "launch_error.hpp"
#include "plan/caller_limits.hpp"
#include "plan/emulator_program.hpp"
#include "plan/qemu_option_source.hpp"
#include "plan/problem_list.hpp"
#include "plan/tap_names.hpp"
#include "plan/uml_legacy_transport.hpp"

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
    // A model taplaunch does not know (QEMU's machine default): QEMU's tap backend adds and
    // strips the header itself for models that do not use it, so the header costs nothing.
    return kernel_has_it && (device_model.empty() || model_uses_vnet_hdr(device_model));
}

// vhost-net: on for virtio NICs where /dev/vhost-net opens (auto), or demanded (on).
bool decide_vhost(const NicSpec& nic, std::size_t index, const std::string& device_model,
                  const HostFacts& host)
{
    const bool virtio = is_virtio_net_model(device_model);
    switch (nic.vhost) {
    case VhostMode::off:
        return false;
    case VhostMode::on:
        if (!virtio) {
            throw DefinitionError(nic_context(index) + "vhost=on needs a virtio NIC, not " +
                                  (device_model.empty() ? "the machine's default" : device_model) +
                                  " (drop vhost=, or use model=virtio)");
        }
        if (!host.vhost_net_available()) {
            throw DefinitionError(nic_context(index) +
                                  "vhost=on but /dev/vhost-net cannot be opened (load it: modprobe "
                                  "vhost_net; or use vhost=auto, which goes without)");
        }
        return true;
    case VhostMode::automatic:
        break;
    }
    return virtio && host.vhost_net_available();
}

// Several queues need a NIC that has them: QEMU's virtio-net.
void check_queues(const NicSpec& nic, std::size_t index, const std::string& device_model)
{
    if (nic.queues > 1 && !is_virtio_net_model(device_model)) {
        throw DefinitionError(nic_context(index) + "queues=" + std::to_string(nic.queues) +
                              " needs a virtio NIC; " +
                              (device_model.empty() ? "the machine's default" : device_model) +
                              " has one queue (drop queues=, or use model=virtio)");
    }
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
    if (nic.queues_given && nic.queues != 1) {
        throw DefinitionError(nic_context(index) + "queues=" + std::to_string(nic.queues) +
                              " does not apply to UML, whose NICs have one queue (drop queues=)");
    }
    if (nic.vhost_given && nic.vhost != VhostMode::off) {
        throw DefinitionError(nic_context(index) +
                              "vhost= applies to QEMU only (UML has no vhost-net: drop vhost=)");
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
            // Two NICs with one template (the default for most) never clash: the common case,
            // skipped without the checks below, which are quadratic in the NIC count.
            if (nics[earlier].ifname == nics[later].ifname &&
                is_ifname_template(nics[later].ifname)) {
                continue;
            }
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

// Two NICs on one bridge with different mtu= contradict each other: the bridge takes the
// lower, and the other TAP then takes frames the bridge cannot pass.
void check_bridge_mtus_agree(const std::vector<NicSpec>& nics, ProblemList& problems)
{
    for (std::size_t later = 0; later < nics.size(); ++later) {
        for (std::size_t earlier = 0; earlier < later; ++earlier) {
            problems.check([&] {
                const NicSpec& a = nics[earlier];
                const NicSpec& b = nics[later];
                if (a.bridge == b.bridge && a.mtu && b.mtu && *a.mtu != *b.mtu) {
                    throw DefinitionError(nic_context(later) + "mtu " + std::to_string(*b.mtu) +
                                          " on bridge " + b.bridge + " conflicts with nic " +
                                          std::to_string(earlier) + "'s mtu " +
                                          std::to_string(*a.mtu) +
                                          " there (give NICs on one bridge one MTU)");
                }
            });
        }
    }
}

// A guest whose MAC another guest on the bridge already has: its TAP would carry the same MAC
// as that guest's TAP (two ports with one address, each bridge's forwarding table flipping
// between them), and the two guests would share an address. Two launches without --name get
// the same default MAC, so this is easy to do. A port carrying the guest's own MAC is as bad.
void check_mac_free_on_bridge(const TapPlan& tap, const LinkFacts& bridge, const HostFacts& host)
{
    for (const LinkFacts& port : host.bridge_ports(bridge.ifindex)) {
        if (port.mac != tap.tap_mac && port.mac != tap.guest_mac) {
            continue;
        }
        std::string holder = "port " + port.name;
        if (const auto owner = parse_owner_record(port.alias)) {
            holder += " (the TAP of guest " + owner->guest + ", taplaunch pid " +
                      std::to_string(owner->process.pid) + ")";
        } else if (port.kind == "tun") {
            holder += " (a TAP)";
        }
        const std::string what = port.mac == tap.tap_mac
                                     ? " is taken on bridge " + bridge.name + ": " + holder +
                                           " carries the TAP MAC " + tap.tap_mac.to_string() +
                                           " that goes with it"
                                     : " is taken on bridge " + bridge.name + ": " + holder +
                                           " has it as its own MAC";
        throw DefinitionError(nic_context(tap.nic_index) + "guest MAC " + tap.guest_mac.to_string() +
                              what +
                              " (give each guest its own mac=, or its own --name: the default "
                              "MAC comes from the guest name)");
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
    if (!host.uid_mapped(*uid)) {
        throw DefinitionError("owner '" + *guest.owner + "' (uid " + std::to_string(*uid) +
                              ") has no uid in this user namespace, so it cannot own a TAP "
                              "(a namespace of unshare -Ur maps only root, its creator: drop "
                              "--owner, or map the user with newuidmap)");
    }
    const uid_t caller = host.caller_uid();
    if (caller != 0 && *uid != caller) {
        throw DefinitionError("--owner " + *guest.owner + ": only root may give TAPs to another "
                              "user (drop --owner: uid " + std::to_string(caller) +
                              "'s TAPs are its own)");
    }
    return *uid;
}

}  // namespace

namespace {

// One NIC to plan: a --nic (or profile nic=), or one of QEMU's own bridge forms to take over.
struct NicRequest {
    NicSpec spec;
    std::string device_model;                 // QEMU device; empty: UML, or QEMU's default
    std::optional<std::size_t> bridge_form;   // index into the scan's bridge NICs
};

// The user's QEMU bridge forms first (they come first in the emulator's arguments, and so
// on the guest's buses), then the --nic NICs, which taplaunch appends.
std::vector<NicRequest> nic_requests(const GuestDefinition& guest, bool uml,
                                     const QemuNetworkScan& scan)
{
    std::vector<NicRequest> requests;
    for (std::size_t form = 0; form < scan.bridge_nics.size(); ++form) {
        const QemuBridgeNic& found = scan.bridge_nics[form];
        NicRequest request;
        request.spec.bridge = found.bridge;
        request.spec.guest_mac = found.mac;
        request.spec.vhost = VhostMode::off;  // QEMU's bridge backend has no vhost either
        request.device_model = found.model.value_or("");
        request.bridge_form = form;
        requests.push_back(std::move(request));
    }
    for (const NicSpec& spec : guest.nics) {
        requests.push_back({spec, uml ? std::string() : qemu_device_model(spec.model), {}});
    }
    return requests;
}

// Whether any TAP will be made, and so needs this process's identity for its owner record.
bool requests_need_identity(const GuestDefinition& guest, const QemuNetworkScan& scan)
{
    return !guest.nics.empty() || !scan.bridge_nics.empty();
}

// The guest's name: taplaunch's own (--name, name=), else QEMU's -name when it is one taplaunch
// takes, else the profile's stem or "guest".
std::string decide_guest_name(const GuestDefinition& guest, const QemuNetworkScan& scan,
                              std::vector<std::string>& notes)
{
    if (guest.name_given || !scan.guest_name) {
        return guest.name;
    }
    try {
        check_guest_name(*scan.guest_name);
        return *scan.guest_name;
    } catch (const DefinitionError&) {
        if (guest.nics.empty() && scan.bridge_nics.empty()) {
            return guest.name;  // no default MAC depends on it
        }
        notes.push_back("QEMU's -name '" + *scan.guest_name + "' is not a taplaunch guest name; "
                        "using '" + guest.name + "' (give --name to choose)");
        return guest.name;
    }
}

// The fd numbers the emulator finds each TAP's queues, then its vhost fds, at: the lowest from
// 3 up that the caller did not hand us, in NIC order.
void assign_emulator_fds(std::vector<TapPlan>& taps, const std::set<int>& inherited)
{
    std::size_t count = 0;
    for (const TapPlan& tap : taps) {
        count += tap.queue_fds.size() + tap.vhost_fds.size();
    }
    if (count > max_emulator_fds) {
        throw DefinitionError("the NICs need " + std::to_string(count) +
                              " fds in the emulator, more than the " +
                              std::to_string(max_emulator_fds) +
                              " taplaunch hands over (use fewer queues= or NICs)");
    }
    const std::vector<int> numbers = choose_emulator_fds(count, inherited);
    std::size_t next = 0;
    for (TapPlan& tap : taps) {
        for (int& fd : tap.queue_fds) {
            fd = numbers[next++];
        }
        for (int& fd : tap.vhost_fds) {
            fd = numbers[next++];
        }
    }
}

// What rewriting the user's bridge forms changes, for -v and --dry-run.
void describe_rewrite(const LaunchPlan& plan, std::vector<std::string>& rewrites)
{
    if (plan.qemu_network.bridge_nics.empty()) {
        return;
    }
    const std::vector<std::string> args(plan.base_argv.begin() + 1, plan.base_argv.end());
    const QemuBridgeRewrite rewrite =
        rewrite_qemu_bridges(args, plan.qemu_network, qemu_bridge_taps(plan));
    rewrites.insert(rewrites.end(), rewrite.notes.begin(), rewrite.notes.end());
}

}  // namespace

LaunchPlan make_launch_plan(const GuestDefinition& guest, const HostFacts& host,
                            bool list_every_problem)
{
    ProblemList problems(list_every_problem);
    LaunchPlan plan;
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
    if (!uml) {
        plan.qemu_options = decide_qemu_options(guest, host, list_every_problem);
        problems.check([&] {
            plan.qemu_network = scan_qemu_arguments(guest.emulator_args, plan.qemu_options);
        });
        plan.notes.insert(plan.notes.end(), plan.qemu_network.notes.begin(),
                          plan.qemu_network.notes.end());
    }
    plan.guest_name = decide_guest_name(guest, plan.qemu_network, plan.notes);
    plan.uml_transport = guest.uml_transport;
    const bool by_name = uml && plan.uml_transport != UmlTransport::fd;
    plan.handoff = (by_name || guest.supervise) ? Handoff::supervise : Handoff::exec;
    problems.check([&] {
        if (guest.stop_timeout && plan.handoff != Handoff::supervise) {
            throw DefinitionError("--stop-timeout applies only when taplaunch supervises the "
                                  "emulator (add --supervise, or drop --stop-timeout)");
        }
    });
    plan.stop_timeout_seconds = guest.stop_timeout.value_or(default_stop_timeout_seconds);
    uid_t owner_uid = host.caller_uid();
    problems.check([&] { owner_uid = decide_owner(guest, by_name, host); });
    const ProcessIdentity launcher = requests_need_identity(guest, plan.qemu_network)
                                         ? host.current_process()
                                         : ProcessIdentity{};

    const std::vector<NicRequest> requests = nic_requests(guest, uml, plan.qemu_network);
    std::vector<NicSpec> specs;
    for (const NicRequest& request : requests) {
        specs.push_back(request.spec);
    }
    check_ifnames_distinct(specs, problems);
    check_bridge_mtus_agree(specs, problems);
    if (!requests.empty()) {
        check_caller_can_create_taps(host);  // one line, also for --dry-run: nothing else helps
    }
    const unsigned tun_features = requests.empty() ? 0 : host.tun_features();
    QemuIdAllocator netdev_ids(plan.qemu_network.ids_in_use);
    for (std::size_t index = 0; index < requests.size(); ++index) {
        problems.check([&] {
            const NicRequest& request = requests[index];
            const NicSpec& nic = request.spec;
            // --nic bridges were checked when read; QEMU's br= was not.
            if (const auto problem = ifname_problem(nic.bridge, false)) {
                throw DefinitionError(nic_context(index) + "bridge name '" + nic.bridge + "' " +
                                      *problem);
            }
            const LinkFacts bridge = find_bridge(nic, index, host);
            if (uml) {
                check_uml_nic(nic, index, plan.uml_transport);
            } else {
                check_queues(nic, index, request.device_model);
            }
            check_ifname_free(nic, index, host);

            TapPlan tap;
            tap.nic_index = index;
            tap.requested_ifname = nic.ifname;
            tap.predicted_ifname = nic.ifname;
            tap.bridge = bridge.name;
            tap.bridge_ifindex = bridge.ifindex;
            tap.guest_mac = nic.guest_mac.value_or(default_guest_mac(plan.guest_name, index));
            tap.tap_mac = tap_mac_for(tap.guest_mac);
            check_mac_free_on_bridge(tap, bridge, host);
            tap.mtu = decide_mtu(nic, index, bridge, plan.notes);
            tap.isolated = nic.isolated;
            tap.device_model = request.device_model;
            tap.vnet_hdr =
                uml ? false : decide_qemu_vnet_hdr(nic, index, tap.device_model, tun_features);
            tap.queues = nic.queues;
            if (!by_name) {
                tap.queue_fds.assign(nic.queues, -1);
            }
            if (!uml && decide_vhost(nic, index, tap.device_model, host)) {
                tap.vhost_fds.assign(nic.queues, -1);
            }
            if (!uml) {
                tap.netdev_id = request.bridge_form
                                    ? plan.qemu_network.bridge_nics[*request.bridge_form].netdev_id
                                    : netdev_ids.next("net");
            }
            tap.bridge_form = request.bridge_form;
            tap.persistent = by_name;
            tap.owner_uid = owner_uid;
            tap.owner_alias = format_owner_record({launcher, plan.guest_name, tap.guest_mac, host.caller_uid()});
            plan.taps.push_back(tap);
        });
    }
    check_macs_distinct(plan.taps, problems);
    check_caller_limits(plan, host, problems);
    problems.check([&] { assign_emulator_fds(plan.taps, host.inherited_fds()); });

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
        const std::string uml_program = resolve_uml_program(guest, plan.emulator_path, host);
        problems.check([&] { check_uml_transport_exists(plan.uml_transport, uml_program, host); });
        plan.uml_reboot = plan_uml_reboot(plan.uml_transport, host, plan.notes);
        problems.check([&] {
            plan.uml_xstate = plan_uml_xstate(guest.uml_xstate_adapter, uml_program, host);
        });
    }
    problems.throw_if_any();

    plan.base_argv.push_back(guest.emulator);
    plan.base_argv.insert(plan.base_argv.end(), guest.emulator_args.begin(),
                          guest.emulator_args.end());
    describe_rewrite(plan, plan.rewrites);
    std::vector<std::string> requested_names;
    for (const TapPlan& tap : plan.taps) {
        requested_names.push_back(tap.requested_ifname);
    }
    plan.argv = emulator_argv(plan, requested_names);
    return plan;
}

}  // namespace taplaunch
