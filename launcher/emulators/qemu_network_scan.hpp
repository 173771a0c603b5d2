#pragma once
// What a QEMU command line says about networking, as taplaunch needs it to take over QEMU's
// own bridge forms: the bridge NICs, the guest's name and the ids already in use.

#include "definition/mac_address.hpp"
#include "emulators/qemu_option_set.hpp"

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace taplaunch {

// QEMU's ways of putting a guest NIC on a Linux bridge through qemu-bridge-helper.
enum class QemuBridgeForm {
    netdev,      // -netdev bridge,id=ID[,br=BR][,helper=H], the NIC a -device ...,netdev=ID
                 // (or -net nic,netdev=ID) that uses it
    nic,         // -nic bridge[,br=BR][,model=M][,mac=MAC][,id=ID][,helper=H]
    legacy_net,  // -net bridge[,br=BR][,...] with the one -net nic on QEMU's hub
};

// One guest NIC that QEMU would put on a bridge.
struct QemuBridgeNic {
    QemuBridgeForm form = QemuBridgeForm::nic;
    std::string bridge;                 // br=, or QEMU's default "br0"
    std::optional<MacAddress> mac;      // the guest MAC the arguments give, if any
    std::optional<std::string> model;   // the NIC's QEMU device ("virtio" read as
                                        // virtio-net-pci); nullopt: no model= on -nic or
                                        // -net nic, so the machine's default (QEMU 7.2: e1000
                                        // on pc, e1000e on q35), unknown here
    std::string netdev_id;              // id= of the -netdev / -nic / -net; empty if none given
    std::optional<std::string> helper;  // helper= as given; the rewrite drops it
    std::size_t backend_index = 0;      // args index of the -netdev / -nic / -net bridge word
    std::optional<std::size_t> guest_nic_index;  // args index of the -device (or -net nic)
                                        // that makes the guest's NIC; none for -nic, and for a
                                        // -netdev that no argument uses (e.g. for device_add)
    bool guest_nic_is_device = false;   // that guest NIC is a -device (not a -net nic)
};

// Whether the rewrite can give this NIC several queue fds: only a virtio-net -device
// (is_virtio_net_model) can be told mq=on; -nic and -net nic cannot, and QEMU refuses
// multiqueue on -net's hub.
bool supports_multiqueue(const QemuBridgeNic& nic);
// Whether the rewrite can give this NIC vhost fds: not behind -net's hub (vhost needs a
// virtio-net peer).
bool supports_vhost(const QemuBridgeNic& nic);

struct QemuNetworkScan {
    std::vector<QemuBridgeNic> bridge_nics;  // in the order of their bridge forms
    std::optional<std::string> guest_name;   // -name NAME or -name guest=NAME (the last given)
    std::set<std::string> ids_in_use;        // every id= (and -blockdev node-name=, -net
                                             // name=) the arguments define
    std::vector<std::string> notes;          // what the scan left to QEMU, for -v
};

// Reads the emulator's arguments (argv[1..]) as QEMU does, with the options of `options`, and
// finds its bridge forms. Throws DefinitionError, one line naming the argument and the fix,
// for a bridge form that cannot be taken over exactly: options QEMU's bridge forms do not
// have, a missing or shared netdev id, a JSON-syntax or -set bridge form, several -net
// bridges or NICs on one hub, an option `options` does not know on a command line with a
// bridge form. When `options` is the binary's own list, every option it does not have is a
// problem (DefinitionProblems, a line each), bridge form or not: that QEMU would refuse it.
QemuNetworkScan scan_qemu_arguments(const std::vector<std::string>& args,
                                    const QemuOptionSet& options = QemuOptionSet::table());

}  // namespace taplaunch
