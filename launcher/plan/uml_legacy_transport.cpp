#include "plan/uml_legacy_transport.hpp"

#include "launch_error.hpp"

namespace taplaunch {

std::optional<bool> uml_version_has_tuntap(std::string_view version)
{
    const std::optional<UmlVersion> parsed = parse_uml_version(version);
    if (!parsed) {
        return std::nullopt;
    }
    return *parsed < first_uml_without_legacy_transports;
}

void check_uml_transport_exists(UmlTransport transport, const std::string& uml_path,
                                const HostFacts& host)
{
    if (transport != UmlTransport::tuntap) {
        return;
    }
    const std::optional<std::string> version = host.program_version(uml_path);
    if (!version || uml_version_has_tuntap(*version).value_or(true)) {
        return;
    }
    throw DefinitionError("--uml-transport tuntap: UML " + *version + " (" + uml_path +
                          ") has no tuntap transport (Linux " +
                          to_string(first_uml_without_legacy_transports) +
                          " removed UML's legacy transports; the guest would boot without its "
                          "NIC): use --uml-transport tap, the vector driver");
}

}  // namespace taplaunch
