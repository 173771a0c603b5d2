#pragma once
// The Open vSwitch database, through ovs-vsctl (run by run_program, as libvirt runs it): which
// names are OVS bridges, adding a TAP's port row, listing and removing taplaunch's rows.

#include "plan/ovs_port_plan.hpp"
#include "plan/tap_plan.hpp"

#include <optional>
#include <string>
#include <vector>

namespace taplaunch {

// The database ovs-vsctl is pointed at: unix:$OVS_RUNDIR/db.sock when OVS_RUNDIR is set (and
// taplaunch is not in secure mode), else unix:/var/run/openvswitch/db.sock, OVS's default.
std::string ovs_database_target();

// Whether the database has a bridge called `name`.
OvsBridgeFacts query_ovs_bridge(const std::string& name);

// Adds the TAP `ifname` to its Open vSwitch bridge with every setting of tap.ovs, in one
// transaction. Throws HostError with ovs-vsctl's own message.
void add_ovs_port(const TapPlan& tap, const std::string& ifname);

// A port row that carries taplaunch's owner record.
struct OvsPortRow {
    std::string bridge;
    std::string name;          // the interface's (and its port's) name: the TAP's
    std::string owner_record;  // external_ids:taplaunch-owner
    std::string iface_id;      // external_ids:iface-id
    std::optional<unsigned> vlan;
};

// Every interface row with taplaunch's owner record; nullopt when there is no database to
// ask (ovs-vsctl missing, or its socket absent), with `why` saying so.
std::optional<std::vector<OvsPortRow>> list_taplaunch_ovs_ports(std::string* why = nullptr);

// What became of a row taplaunch set out to remove.
struct OvsRemoval {
    enum class Outcome {
        removed,
        absent,      // no row of that name (anymore)
        taken_over,  // another launch's owner record is on it now: it is that launch's
        left_alone,  // someone changed its record: kept, `problem` says so
        failed,      // the database could not be asked or refused: `problem` says why
    };
    Outcome outcome = Outcome::failed;
    std::string problem;  // one line with the command that removes the row, or ""
};

// Removes the port `ifname` from `bridge` if, and only if, its interface still carries
// `owner_record`, checked in the OVSDB transaction that deletes it.
OvsRemoval remove_ovs_port(const std::string& bridge, const std::string& ifname,
                           const std::string& owner_record);

// One interface of an Open vSwitch bridge, as the database has it.
struct OvsInterfaceFacts {
    std::string name;
    long long ofport = 0;      // -1: OVS could not open the device
    std::string error;         // OVS's reason, e.g. "could not open network device tap0 (No
                               // such device)"
    std::string owner_record;  // external_ids:taplaunch-owner, "" if none
    std::string iface_id;      // external_ids:iface-id
    std::optional<unsigned> tag;
    std::vector<unsigned> trunks;
    bool protected_port = false;
};

// The bridge's datapath type ("netdev", "system", "" for OVS's default) and its interfaces
// (the bridge's own internal one left out). Throws HostError when the database cannot say.
struct OvsBridgeContents {
    std::string datapath_type;
    std::vector<OvsInterfaceFacts> interfaces;
};
OvsBridgeContents read_ovs_bridge(const std::string& bridge);

// The command that removes the port by hand, for messages.
std::string ovs_remove_command(const std::string& bridge, const std::string& ifname);

}  // namespace taplaunch
