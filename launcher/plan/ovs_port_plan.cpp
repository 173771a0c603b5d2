#include "plan/ovs_port_plan.hpp"

#include "plan/tap_plan.hpp"

namespace taplaunch {

namespace {

// An OVSDB string atom as ovs-vsctl reads it: in double quotes, with " and \ escaped.
std::string quoted(std::string_view text)
{
    std::string atom = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            atom += '\\';
        }
        atom += c;
    }
    return atom + '"';
}

std::string id_list(const std::vector<unsigned>& ids)
{
    std::string list;
    for (unsigned id : ids) {
        list += (list.empty() ? "" : ",") + std::to_string(id);
    }
    return list;
}

}  // namespace

std::string default_ovs_iface_id(std::string_view guest_name, std::size_t index)
{
    return std::string(guest_name) + "-nic" + std::to_string(index);
}

OvsPortPlan decide_ovs_port(const NicSpec& nic, std::size_t index, const std::string& guest_name)
{
    OvsPortPlan port;
    port.iface_id = nic.ovs.iface_id.value_or(default_ovs_iface_id(guest_name, index));
    port.vm_id = guest_name;
    port.vlan = nic.ovs.vlan;
    port.trunks = nic.ovs.trunks;
    port.protected_port = nic.isolated;
    return port;
}

std::vector<std::string> ovs_add_port_args(const TapPlan& tap, std::string_view ifname)
{
    const OvsPortPlan& port = *tap.ovs;
    const std::string name(ifname);
    const std::string external_ids =
        "external_ids={" + quoted("attached-mac") + "=" + quoted(tap.guest_mac.to_string()) +
        "," + quoted("iface-id") + "=" + quoted(port.iface_id) + "," + quoted("iface-status") +
        "=" + quoted("active") + "," + quoted("vm-id") + "=" + quoted(port.vm_id) + "," +
        quoted(ovs_owner_key) + "=" + quoted(tap.owner_alias) + "}";
    return {"--timeout=5",
            "--",
            "--may-exist",
            "add-port",
            tap.bridge,
            name,
            "--",
            "set",
            "Interface",
            name,
            external_ids,
            "--",
            "set",
            "Port",
            name,
            "tag=" + (port.vlan ? std::to_string(*port.vlan) : std::string("[]")),
            "trunks=[" + id_list(port.trunks) + "]",
            "vlan_mode=[]",
            std::string("protected=") + (port.protected_port ? "true" : "false")};
}

std::vector<std::string> ovs_remove_port_args(std::string_view bridge, std::string_view ifname,
                                              std::string_view owner_record, unsigned timeout)
{
    return {"--timeout=" + std::to_string(timeout),
            "--",
            "wait-until",
            "Interface",
            std::string(ifname),
            "external_ids:" + std::string(ovs_owner_key) + "=" + quoted(owner_record),
            "--",
            "--if-exists",
            "del-port",
            std::string(bridge),
            std::string(ifname)};
}

std::string describe_ovs_port(const TapPlan& tap)
{
    const OvsPortPlan& port = *tap.ovs;
    std::string text;
    if (port.vlan) {
        text += "access port in VLAN " + std::to_string(*port.vlan) + ", ";
    }
    if (!port.trunks.empty()) {
        text += "trunk of VLANs " + id_list(port.trunks) + ", ";
    }
    if (port.protected_port) {
        text += "protected, ";
    }
    return text + "external ids attached-mac=" + tap.guest_mac.to_string() +
           " iface-id=" + port.iface_id + " vm-id=" + port.vm_id +
           " iface-status=active and the owner record";
}

}  // namespace taplaunch
