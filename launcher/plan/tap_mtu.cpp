#include "plan/tap_mtu.hpp"

#include "launch_error.hpp"
#include "plan/nic_context.hpp"

namespace taplaunch {

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

// Two NICs on one bridge with different mtu= contradict each other: the bridge takes the
// lower, and the other TAP then takes frames the bridge cannot pass.
void check_bridge_mtus_agree(const std::vector<NicSpec>& nics, ProblemList& problems)
{
    for (std::size_t later = 0; later < nics.size(); ++later) {
        for (std::size_t earlier = 0; earlier < later; ++earlier) {
            problems.check([&] {
                const NicSpec& a = nics[earlier];
                const NicSpec& b = nics[later];
                if (!a.bridge.empty() && a.bridge == b.bridge && a.mtu && b.mtu && *a.mtu != *b.mtu) {
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

}  // namespace taplaunch
