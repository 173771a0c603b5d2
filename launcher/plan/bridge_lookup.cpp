#include "plan/bridge_lookup.hpp"

#include "launch_error.hpp"
#include "plan/nic_context.hpp"

namespace taplaunch {

BridgeLink find_bridge(const NicSpec& nic, std::size_t index, const HostFacts& host)
{
    // --nic bridges were checked when read; QEMU's br= was not.
    if (const auto problem = ifname_problem(nic.bridge, false)) {
        throw DefinitionError(nic_context(index) + "bridge name '" + nic.bridge + "' " +
                              *problem);
    }
    const auto bridge = host.find_link(nic.bridge);
    if (!bridge) {
        throw DefinitionError(nic_context(index) + "bridge '" + nic.bridge +
                              "' does not exist (create it with: ip link add " + nic.bridge +
                              " type bridge, or ovs-vsctl add-br " + nic.bridge + ")");
    }
    if (bridge->kind == "bridge") {
        return {*bridge, BridgeKind::linux_bridge};
    }
    // An OVS bridge's own device is a tun device on the userspace datapath and an
    // openvswitch device on the kernel's: only the OVS database knows the bridges.
    if (bridge->kind == "tun" || bridge->kind == "openvswitch") {
        const OvsBridgeFacts ovs = host.ovs_bridge(nic.bridge);
        if (ovs.answer == OvsBridgeFacts::Answer::bridge) {
            return {*bridge, BridgeKind::open_vswitch};
        }
        if (ovs.answer == OvsBridgeFacts::Answer::unreachable) {
            throw DefinitionError(nic_context(index) + "'" + nic.bridge + "' is a " +
                                  bridge->kind +
                                  " device, and the Open vSwitch database could not be asked "
                                  "whether it is an OVS bridge: " + ovs.problem);
        }
    }
    throw DefinitionError(nic_context(index) + "'" + nic.bridge + "' is " +
                          (bridge->kind.empty() ? "not a bridge"
                                                : "a " + bridge->kind + " device, not a bridge") +
                          " (name a Linux bridge, which ip -d link show type bridge lists, or an "
                          "Open vSwitch bridge, which ovs-vsctl list-br lists)");
}

}  // namespace taplaunch
