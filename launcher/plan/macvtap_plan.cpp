#include "plan/macvtap_plan.hpp"

#include "launch_error.hpp"
#include "plan/nic_context.hpp"

namespace taplaunch {

MacvtapPlan decide_macvtap(const NicSpec& nic, std::size_t index, const HostFacts& host)
{
    const std::string& name = nic.macvtap.lower;
    const auto lower = host.find_link(name);
    if (!lower) {
        throw DefinitionError(nic_context(index) + "macvtap=" + name +
                              ": no such interface (name an existing host interface, e.g. "
                              "the one `ip -br link` lists as the uplink)");
    }
    if (name == "lo") {
        throw DefinitionError(nic_context(index) + "macvtap=lo: a macvtap needs an Ethernet "
                                                   "device as its lower interface (name the "
                                                   "uplink, not the loopback)");
    }
    if (lower->master_ifindex != 0) {
        // The kernel refuses a macvtap on a bridge port (EBUSY): the port's frames are the
        // bridge's.
        throw DefinitionError(nic_context(index) + "macvtap=" + name +
                              ": it is a port of a bridge, which takes all its frames (put the "
                              "macvtap on the bridge itself, macvtap=BRIDGE, or give the guest "
                              "bridge= instead)");
    }
    MacvtapPlan plan;
    plan.lower = lower->name;
    plan.lower_ifindex = lower->ifindex;
    plan.mode = nic.macvtap.mode;
    return plan;
}

unsigned decide_macvtap_mtu(const NicSpec& nic, std::size_t index, const LinkFacts& lower)
{
    if (!nic.mtu) {
        return lower.mtu;
    }
    if (*nic.mtu > lower.mtu) {
        throw DefinitionError(nic_context(index) + "mtu " + std::to_string(*nic.mtu) +
                              " is above " + lower.name + "'s MTU " + std::to_string(lower.mtu) +
                              ", and a macvtap takes at most its lower interface's (drop mtu=, "
                              "or raise " + lower.name + "'s: ip link set " + lower.name +
                              " mtu " + std::to_string(*nic.mtu) + ")");
    }
    return *nic.mtu;
}

void refuse_uml_macvtap(std::size_t index)
{
    throw DefinitionError(nic_context(index) +
                          "macvtap= works with QEMU only (UML opens TAPs by name, and its "
                          "transport=fd is not known to work on a macvtap): use bridge= for a "
                          "UML guest");
}

}  // namespace taplaunch
