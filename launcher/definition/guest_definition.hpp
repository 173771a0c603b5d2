#pragma once
// GuestDefinition: everything the user said about one guest, from options and a profile.

#include "definition/auto_on_off.hpp"
#include "definition/nic_spec.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace taplaunch {

enum class EmulatorKind { qemu, uml };

// How a UML guest reaches its TAPs.
enum class UmlTransport {
    tap,     // vector driver opening a persistent TAP by name (fastest; supervised)
    tuntap,  // legacy driver opening a persistent TAP by name (supervised)
    fd,      // vector driver on an inherited TAP fd (no persistence; exec'd like QEMU)
};

// Whether taplaunch preloads its XSTATE adapter into UML (plan/uml_xstate.hpp says why).
// auto: where the host's XSAVE area is larger than the UML can restore.
using UmlXstateAdapter = AutoOnOff;

struct GuestDefinition {
    std::string name = "guest";           // used for default MACs and device ownership
    bool name_given = false;              // by --name or a profile's name= (not its stem): it
                                          // then wins over QEMU's own -name
    std::vector<NicSpec> nics;            // in order: NIC i becomes net<i> / vec<i>
    std::string emulator;                 // the program to run, as written (name or path)
    std::vector<std::string> emulator_args;  // its arguments, before the TAP arguments
    std::optional<EmulatorKind> emulator_kind;  // none: detected from the emulator's name
    UmlTransport uml_transport = UmlTransport::tap;
    bool uml_transport_given = false;
    UmlXstateAdapter uml_xstate_adapter = UmlXstateAdapter::automatic;
    bool supervise = false;               // stay as the emulator's parent (always for UML by name)
    std::optional<std::string> owner;     // user owning persistent TAPs; none: the caller
    std::optional<unsigned> stop_timeout;  // supervise: seconds from a forwarded SIGTERM or
                                           // SIGINT to SIGKILL; none: the default
};

// How long a supervisor waits, by default, for the emulator to end after forwarding SIGTERM
// or SIGINT, before it sends SIGKILL.
inline constexpr unsigned default_stop_timeout_seconds = 10;
// The longest --stop-timeout taken (a day).
inline constexpr unsigned max_stop_timeout_seconds = 86400;

// "qemu" or "uml".
std::string_view to_string(EmulatorKind kind);
// Parses "qemu" / "uml"; throws DefinitionError otherwise.
EmulatorKind parse_emulator_kind(std::string_view text);
// The kind an emulator's basename implies: qemu-system-* is QEMU; linux, linux.uml and
// vmlinux are UML; nullopt for anything else.
std::optional<EmulatorKind> detect_emulator_kind(std::string_view emulator);
std::string_view to_string(UmlTransport transport);
// Parses "tap" / "tuntap" / "fd"; throws DefinitionError otherwise.
UmlTransport parse_uml_transport(std::string_view text);
// Parses "auto" / "on" / "off"; throws DefinitionError otherwise.
UmlXstateAdapter parse_uml_xstate_adapter(std::string_view text);
// Parses --stop-timeout: whole seconds, 0 to a day; throws DefinitionError.
unsigned parse_stop_timeout(std::string_view text);
// Checks a guest name (letters, digits, '.', '_', '-'; at most 64); throws DefinitionError.
void check_guest_name(std::string_view name);

}  // namespace taplaunch
