#include "guest_definition.hpp"

#include "launch_error.hpp"

#include <algorithm>

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

void check_guest_name(std::string_view name)
{
    constexpr std::size_t max_length = 64;
    const bool valid = !name.empty() && name.size() <= max_length &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                       });
    if (!valid) {
        throw DefinitionError("guest name '" + std::string(name) +
                              "' is not 1 to 64 letters, digits, '.', '_' or '-' (choose another "
                              "with --name)");
    }
}

}  // namespace taplaunch
