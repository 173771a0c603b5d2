#include "definition/guest_definition.hpp"

#include "launch_error.hpp"

#include <algorithm>
#include <charconv>

namespace taplaunch {

std::string_view to_string(EmulatorKind kind)
{
    return kind == EmulatorKind::qemu ? "qemu" : "uml";
}

EmulatorKind parse_emulator_kind(std::string_view text)
{
    if (text == "qemu") {
        return EmulatorKind::qemu;
    }
    if (text == "uml") {
        return EmulatorKind::uml;
    }
    throw DefinitionError("emulator kind '" + std::string(text) + "' is not one of qemu, uml");
}

std::string_view to_string(UmlTransport transport)
{
    switch (transport) {
    case UmlTransport::tap:
        return "tap";
    case UmlTransport::tuntap:
        return "tuntap";
    case UmlTransport::fd:
        return "fd";
    }
    return "?";
}

UmlTransport parse_uml_transport(std::string_view text)
{
    if (text == "tap") {
        return UmlTransport::tap;
    }
    if (text == "tuntap") {
        return UmlTransport::tuntap;
    }
    if (text == "fd") {
        return UmlTransport::fd;
    }
    throw DefinitionError("UML transport '" + std::string(text) +
                          "' is not one of tap (vector driver, default), tuntap (legacy "
                          "driver), fd (vector driver on an inherited fd)");
}

UmlXstateAdapter parse_uml_xstate_adapter(std::string_view text)
{
    if (const std::optional<AutoOnOff> value = parse_auto_on_off(text)) {
        return *value;
    }
    throw DefinitionError("UML XSTATE adapter '" + std::string(text) +
                          "' is not one of auto, on, off (auto: only where the UML could not "
                          "restore this host's XSAVE area)");
}

std::optional<EmulatorKind> detect_emulator_kind(std::string_view emulator)
{
    const std::size_t slash = emulator.rfind('/');
    const std::string_view basename =
        slash == std::string_view::npos ? emulator : emulator.substr(slash + 1);
    if (basename.starts_with("qemu-system-")) {
        return EmulatorKind::qemu;
    }
    if (basename == "linux" || basename == "linux.uml" || basename == "vmlinux") {
        return EmulatorKind::uml;
    }
    return std::nullopt;
}

unsigned parse_stop_timeout(std::string_view text)
{
    unsigned seconds = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
        seconds > max_stop_timeout_seconds) {
        throw DefinitionError("stop-timeout '" + std::string(text) +
                              "' is not a whole number of seconds from 0 to " +
                              std::to_string(max_stop_timeout_seconds) + " (e.g. --stop-timeout " +
                              std::to_string(default_stop_timeout_seconds) + ")");
    }
    return seconds;
}

void check_guest_name(std::string_view name)
{
    constexpr std::size_t max_length = 64;
    const bool valid = !name.empty() && name.size() <= max_length &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                       });
    if (!valid) {
        throw DefinitionError("guest name '" + excerpt(name, 80) +
                              "' is not 1 to 64 letters, digits, '.', '_' or '-' (choose another "
                              "with --name)");
    }
}

}  // namespace taplaunch
