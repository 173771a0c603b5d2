#pragma once
// An Open vSwitch port for one TAP: what planning decides (external ids, VLAN, protection)
// and the ovs-vsctl arguments that add it and remove it. Pure: the host part is
// host/ovs_database.

#include "definition/nic_spec.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace taplaunch {

struct TapPlan;

// The external id that carries a row's owner record (plan/owner_record.hpp), so that gc can
// tell taplaunch's rows from everyone else's and judge whether their owner is gone.
inline constexpr std::string_view ovs_owner_key = "taplaunch-owner";

// What the OVS database says of a name that netlink shows as a tun or openvswitch device.
struct OvsBridgeFacts {
    enum class Answer { bridge, not_a_bridge, unreachable };
    Answer answer = Answer::not_a_bridge;
    std::string problem;  // unreachable: why the database could not be asked
};

struct OvsPortPlan {
    std::string iface_id;            // external_ids:iface-id
    std::string vm_id;               // external_ids:vm-id, the guest's name
    std::optional<unsigned> vlan;    // Port tag: an access port
    std::vector<unsigned> trunks;    // Port trunks
    bool protected_port = false;     // Port protected (isolated=on)
};

// The default iface-id of NIC `index`: stable across launches of one guest.
std::string default_ovs_iface_id(std::string_view guest_name, std::size_t index);

// The port plan for NIC `index`.
OvsPortPlan decide_ovs_port(const NicSpec& nic, std::size_t index, const std::string& guest_name);

// The ovs-vsctl arguments (after --db=) that add `ifname` to the TAP's bridge in one
// transaction, with every column taplaunch manages written (a stale row of the same name is
// taken over whole): external ids attached-mac, iface-id, vm-id, iface-status=active and the
// owner record; tag, trunks, protected.
std::vector<std::string> ovs_add_port_args(const TapPlan& tap, std::string_view ifname);

// The OVSDB transaction (ovsdb-client transact) that removes the port `port_uuid` (named
// `ifname`) from `bridge` only while its interface carries `owner_record`: a "wait" that
// aborts the transaction at once unless an interface of that name has the record, then the
// port's reference deleted from the bridge (OVS then drops the port and interface rows).
// A row taken over by another launch in between is left alone; a port that is no longer the
// bridge's is not touched.
std::string ovs_remove_port_transaction(std::string_view bridge, std::string_view ifname,
                                        std::string_view port_uuid,
                                        std::string_view owner_record);

// One line for the port's settings, for -v and --dry-run: "tag 10, external ids ...".
std::string describe_ovs_port(const TapPlan& tap);

}  // namespace taplaunch
