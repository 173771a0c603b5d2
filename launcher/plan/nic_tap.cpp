#include "plan/nic_tap.hpp"

#include "launch_error.hpp"
#include "plan/bridge_lookup.hpp"
#include "plan/mac_conflicts.hpp"
#include "plan/nic_context.hpp"
#include "plan/nic_features.hpp"
#include "plan/port_lock_filter.hpp"
#include "plan/tap_mtu.hpp"
#include "plan/tap_name_checks.hpp"

namespace taplaunch {

namespace {
TapPlan plan_macvtap_nic(const NicRequest& request, std::size_t index,
                         const LaunchNicContext& context, QemuIdAllocator& netdev_ids);
}  // namespace

TapPlan plan_nic_tap(const NicRequest& request, std::size_t index, const LaunchNicContext& context,
                     QemuIdAllocator& netdev_ids, std::vector<std::string>& notes)
{
    const NicSpec& nic = request.spec;
    const HostFacts& host = context.host;
    if (!nic.macvtap.lower.empty()) {
        return plan_macvtap_nic(request, index, context, netdev_ids);
    }
    const BridgeLink found = find_bridge(nic, index, host);
    const LinkFacts& bridge = found.link;
    if (found.kind == BridgeKind::linux_bridge && nic.ovs.any()) {
        // Bridge VLAN filtering is not set up by taplaunch: this kernel has none to test it on.
        throw DefinitionError(nic_context(index) + std::string(nic.ovs.first_key()) +
                              "= applies to an Open vSwitch port, and " + bridge.name +
                              " is a Linux bridge (VLANs on a Linux bridge are not supported: "
                              "drop the key, or use an Open vSwitch bridge)");
    }
    if (context.uml) {
        check_uml_nic(nic, index, context.uml_transport);
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
    tap.guest_mac = nic.guest_mac.value_or(default_guest_mac(context.guest_name, index));
    tap.tap_mac = tap_mac_for(tap.guest_mac);
    check_mac_free_on_bridge(tap, bridge, host);
    tap.mtu = decide_mtu(nic, index, bridge, notes);
    if (found.kind == BridgeKind::open_vswitch) {
        if (nic.lock.mode != LockMode::off) {
            // OVS's userspace datapath reads its ports through packet sockets, which see a
            // frame before the TAP's ingress filter can drop it; the bridge port flags and the
            // pinned MAC are a Linux bridge's.
            throw DefinitionError(nic_context(index) + "lock= works on a Linux bridge only, and " +
                                  bridge.name +
                                  " is an Open vSwitch bridge (OVS reads the TAP before its "
                                  "filter): drop lock=, or put the guest on a Linux bridge");
        }
        // The port's protected flag does what a Linux port's isolated flag does.
        tap.ovs = decide_ovs_port(nic, index, context.guest_name);
    } else {
        tap.isolated = nic.isolated;
        tap.lock = nic.lock;
        if (tap.lock.mode != LockMode::off) {
            tap.lock_filter = port_lock_filter(tap.lock, tap.guest_mac);
        }
    }
    plan_emulator_side(tap, request, index, context, netdev_ids);
    return tap;
}

namespace {

// What a macvtap NIC decides beyond the emulator side: its lower interface, name, MAC (the
// guest's own: no bridge adopts it) and MTU.
TapPlan plan_macvtap_nic(const NicRequest& request, std::size_t index,
                         const LaunchNicContext& context, QemuIdAllocator& netdev_ids)
{
    const NicSpec& nic = request.spec;
    const HostFacts& host = context.host;
    if (context.uml) {
        refuse_uml_macvtap(index);
    }
    check_queues(nic, index, request.device_model);
    check_ifname_free(nic, index, host);
    TapPlan tap;
    tap.nic_index = index;
    tap.requested_ifname = nic.ifname;
    tap.predicted_ifname = nic.ifname;
    tap.macvtap = decide_macvtap(nic, index, host);
    tap.guest_mac = nic.guest_mac.value_or(default_guest_mac(context.guest_name, index));
    tap.tap_mac = tap.guest_mac;
    tap.mtu = decide_macvtap_mtu(nic, index, *host.find_link(tap.macvtap->lower));
    plan_emulator_side(tap, request, index, context, netdev_ids);
    return tap;
}

}  // namespace

void plan_emulator_side(TapPlan& tap, const NicRequest& request, std::size_t index,
                        const LaunchNicContext& context, QemuIdAllocator& netdev_ids)
{
    const NicSpec& nic = request.spec;
    const HostFacts& host = context.host;
    tap.device_model = request.device_model;
    tap.vnet_hdr = context.uml ? false
                               : decide_qemu_vnet_hdr(nic, index, tap.device_model,
                                                      context.tun_features);
    tap.queues = nic.queues;
    if (!context.by_name) {
        tap.queue_fds.assign(nic.queues, -1);
    }
    if (!context.uml && decide_vhost(nic, index, tap.device_model, host)) {
        tap.vhost_fds.assign(nic.queues, -1);
    }
    if (!context.uml) {
        tap.netdev_id = request.bridge_form
                            ? context.qemu_network.bridge_nics[*request.bridge_form].netdev_id
                            : netdev_ids.next("net");
    }
    tap.bridge_form = request.bridge_form;
    tap.persistent = context.by_name;
    tap.owner_uid = context.owner_uid;
    tap.owner_alias = format_owner_record(
        {context.launcher, context.guest_name, tap.guest_mac, host.caller_uid(), tap.lock.mode});
}

}  // namespace taplaunch
