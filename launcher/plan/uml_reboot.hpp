#pragma once
// Whether a UML guest runs with taplaunch's reboot adapter preloaded.
//
// A guest's reboot makes UML re-execute itself. The vector driver's tap transport opens the TAP
// without close-on-exec, so the old fd keeps the TAP busy and the rebooted guest has no network.
// The adapter (adapter/uml_reboot_adapter.c), preloaded into UML, makes that open
// close-on-exec. The legacy tuntap driver needs no help, and the fd transport's fd is
// taplaunch's, handed over on purpose.

#include "definition/guest_definition.hpp"
#include "plan/host_facts.hpp"

#include <string>

namespace taplaunch {

struct UmlRebootPlan {
    std::string adapter_path;  // the library to preload; empty: none
    std::string reason;        // one line for --dry-run and -v; empty when none is preloaded
};

// Decides for a UML guest with `transport`: the adapter for the tap transport, nothing for the
// others. Without the library (not installed) nothing is preloaded and `note` says what that
// costs.
UmlRebootPlan plan_uml_reboot(UmlTransport transport, const HostFacts& host,
                              std::vector<std::string>& notes);

}  // namespace taplaunch
