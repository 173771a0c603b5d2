#include "plan/ovs_port_plan.hpp"

#include "plan/tap_plan.hpp"

#include <nlohmann/json.hpp>

namespace taplaunch {

namespace {

// An OVSDB string atom as ovs-vsctl reads it: in double quotes, with " and \ escaped.
std::string ovsdb_string(std::string_view text)
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
    const auto id = [](std::string_view key, std::string_view value) {
        return ovsdb_string(key) + "=" + ovsdb_string(value);
    };
    const std::string external_ids =
        "external_ids={" + id("attached-mac", tap.guest_mac.to_string()) + "," +
        id("iface-id", port.iface_id) + "," + id("iface-status", "active") + "," +
        id("vm-id", port.vm_id) + "," + id(ovs_owner_key, tap.owner_alias) + "}";
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

std::string ovs_remove_port_transaction(std::string_view bridge, std::string_view ifname,
                                        std::string_view port_uuid,
                                        std::string_view owner_record)
{
    using json = nlohmann::json;
    const std::string name(ifname);
    const json owner = json::array({"map", json::array({json::array(
                                               {std::string(ovs_owner_key),
                                                std::string(owner_record)})})});
    const json wait = {
        {"op", "wait"},
        {"table", "Interface"},
        {"where", json::array({json::array({"name", "==", name}),
                               json::array({"external_ids", "includes", owner})})},
        {"columns", json::array({"name"})},
        {"until", "=="},
        {"rows", json::array({{{"name", name}}})},
        {"timeout", 0},
    };
    const json remove = {
        {"op", "mutate"},
        {"table", "Bridge"},
        {"where", json::array({json::array({"name", "==", std::string(bridge)})})},
        {"mutations",
         json::array({json::array(
             {"ports", "delete",
              json::array({"set", json::array({json::array(
                                      {"uuid", std::string(port_uuid)})})})})})},
    };
    return json::array({"Open_vSwitch", wait, remove}).dump();
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
