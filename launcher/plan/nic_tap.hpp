#pragma once
// One NIC's TAP: every decision planning makes for it, in one place.

#include "emulators/qemu_id_allocator.hpp"
#include "emulators/qemu_network_scan.hpp"
#include "plan/host_facts.hpp"
#include "plan/nic_requests.hpp"
#include "plan/owner_record.hpp"
#include "plan/tap_plan.hpp"

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

namespace taplaunch {

// What every NIC of a launch shares.
struct LaunchNicContext {
    const HostFacts& host;
    std::string guest_name;
    bool uml = false;
    UmlTransport uml_transport = UmlTransport::tap;
    bool by_name = false;            // UML opens the TAPs by name: persistent, no fds
    unsigned tun_features = 0;       // TUNGETFEATURES
    uid_t owner_uid = 0;             // of persistent TAPs
    ProcessIdentity launcher;        // recorded in each TAP's owner record
    const QemuNetworkScan& qemu_network;
};

// The TAP for NIC `index`: its bridge (which must exist), name, MACs (free on the bridge),
// MTU, header, queues, vhost-net and QEMU netdev id (a fresh one from `netdev_ids` for a
// --nic). Throws DefinitionError for what does not fit; adds notes (an MTU other than the
// bridge's) to `notes`.
TapPlan plan_nic_tap(const NicRequest& request, std::size_t index, const LaunchNicContext& context,
                     QemuIdAllocator& netdev_ids, std::vector<std::string>& notes);

// The emulator's side of NIC `index`'s TAP or macvtap: model, vnet header, queues and their
// fds, vhost-net, netdev id, persistence and the owner record.
void plan_emulator_side(TapPlan& tap, const NicRequest& request, std::size_t index,
                        const LaunchNicContext& context, QemuIdAllocator& netdev_ids);

}  // namespace taplaunch
