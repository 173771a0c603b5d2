#include "plan/bridge_lookup.hpp"

#include "launch_error.hpp"
#include "plan/nic_context.hpp"

namespace taplaunch {

LinkFacts find_bridge(const NicSpec& nic, std::size_t index, const HostFacts& host)
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

}  // namespace taplaunch
