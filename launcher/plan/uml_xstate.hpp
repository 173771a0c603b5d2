#pragma once
// Whether a UML guest runs with taplaunch's XSTATE adapter preloaded.
//
// UML saves and restores each guest task's FPU state through PTRACE_GETREGSET and
// PTRACE_SETREGSET with NT_X86_XSTATE. UML releases that size that buffer for AVX (832 bytes)
// cannot restore it on a host whose XSAVE area is larger (AVX-512, AMX), because the kernel
// takes only the whole area: the guest's init dies at once ("ptrace set fp regs failed,
// errno = 14"). The adapter (adapter/uml_xstate_adapter.c), preloaded into UML, widens those
// transfers to the whole area.

#include "definition/guest_definition.hpp"
#include "plan/host_facts.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace taplaunch {

// The XSAVE area an older UML transfers: legacy area, header and AVX (its struct _xstate).
inline constexpr unsigned uml_fixed_xstate_bytes = 832;

struct UmlXstatePlan {
    std::string adapter_path;  // the library to preload; empty: none
    std::string reason;        // one line for --dry-run and -v; empty when none is preloaded
};

// Decides for the UML program `uml_path` (already resolved). --uml-xstate-adapter on and off
// decide by themselves; auto preloads the adapter when the host's XSAVE area is larger than
// 832 bytes and the UML reports a version before 6.13, or none (6.13 is the first release
// taplaunch knows to size the buffer from the host). Throws HostError when the adapter is
// needed but not installed.
UmlXstatePlan plan_uml_xstate(UmlXstateAdapter setting, const std::string& uml_path,
                              const HostFacts& host);

// Whether a UML reporting `version` ("6.1.176") sizes that buffer itself (6.13 or later);
// nullopt when `version` does not start with N.N.
std::optional<bool> uml_version_sizes_xstate_itself(std::string_view version);

}  // namespace taplaunch
