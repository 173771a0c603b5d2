#pragma once
// Which QEMU options a QEMU command line is read against: the checked table of QEMU 7.2, or
// the options of the QEMU binary that will run.

#include "definition/guest_definition.hpp"
#include "emulators/qemu_option_set.hpp"
#include "plan/host_facts.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace taplaunch {

// The table when it knows every option among the guest's QEMU arguments and `always_ask`
// is false (such a launch asks nothing); else what the QEMU about to run lists in its -help
// (HostFacts::qemu_help_options), or the table with the reason that QEMU could not be asked:
// not found, a wrapper (setpriv ... qemu-system-x86_64), or no option list in its -help.
QemuOptionSet decide_qemu_options(const GuestDefinition& guest, const HostFacts& host,
                                  bool always_ask);

// The line the previews (--dry-run, --dry-run --json) show about where QEMU's options came
// from ("QEMU options: /usr/bin/qemu-system-x86_64 -help (QEMU 10.0.13)"), or nullopt when
// nothing needed more than the table (and for UML).
std::optional<std::string> describe_qemu_option_source(const QemuOptionSet& options);

// Whether a program of this path or name is QEMU itself, which can be asked for its options
// ("qemu-system-*", "qemu-kvm"), rather than a wrapper around it.
bool names_qemu_binary(std::string_view program);

}  // namespace taplaunch
