#pragma once
// Which program a launch runs: its kind (QEMU or UML) and the path exec finds it at.

#include "definition/guest_definition.hpp"
#include "plan/host_facts.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace taplaunch {

// The emulator's kind: --emulator-kind, else what its name says. Throws DefinitionError when
// neither tells.
EmulatorKind decide_emulator_kind(const GuestDefinition& guest);

// The path exec runs for the emulator. Throws HostError naming the fix: the Debian package for
// QEMU's and UML's own names, the full path for a bare name.
std::string resolve_emulator(const GuestDefinition& guest, const HostFacts& host);

// The UML program itself: the emulator, or, when the emulator is a wrapper (setpriv ... --
// linux ...), the first of its words that names UML, resolved; else the emulator's path.
std::string resolve_uml_program(const GuestDefinition& guest, const std::string& emulator_path,
                                const HostFacts& host);

// The Debian package that installs `program` when it is one of QEMU's or UML's names
// (qemu-system-x86_64: qemu-system-x86; linux: user-mode-linux), else nullopt.
std::optional<std::string> debian_package_for(std::string_view program);

}  // namespace taplaunch
