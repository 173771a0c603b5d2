#pragma once
// Whether the UML that will run still has the legacy network transport `--uml-transport
// tuntap` asks for (`ethN=tuntap,...`). Linux 6.16 removed the legacy transports; a UML
// without them takes `eth0=tuntap,...` as an unknown kernel parameter and boots the guest
// without its NIC, so planning refuses it instead.

#include "definition/guest_definition.hpp"
#include "plan/host_facts.hpp"
#include "plan/uml_version.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace taplaunch {

// The first UML release without the legacy transports.
inline constexpr UmlVersion first_uml_without_legacy_transports{6, 16};

// Whether a UML reporting `version` ("6.12.48") has the legacy tuntap transport; nullopt
// when `version` does not say.
std::optional<bool> uml_version_has_tuntap(std::string_view version);

// For --uml-transport tuntap: asks the UML program `uml_path` (already resolved) for its
// version and throws DefinitionError, one line naming `tap` as the way, when that UML has no
// tuntap transport. A UML of unknown version is let through. Other transports: nothing asked.
void check_uml_transport_exists(UmlTransport transport, const std::string& uml_path,
                                const HostFacts& host);

}  // namespace taplaunch
