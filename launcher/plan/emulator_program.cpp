#include "plan/emulator_program.hpp"

#include "launch_error.hpp"

#include <array>
#include <utility>

namespace taplaunch {

namespace {

std::string_view basename_of(std::string_view path)
{
    const std::size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

EmulatorKind decide_emulator_kind(const GuestDefinition& guest)
{
    const auto kind =
        guest.emulator_kind ? guest.emulator_kind : detect_emulator_kind(guest.emulator);
    if (!kind) {
        throw DefinitionError("cannot tell whether '" + guest.emulator +
                              "' is QEMU or UML from its name (add --emulator-kind qemu or "
                              "--emulator-kind uml)");
    }
    return *kind;
}

std::optional<std::string> debian_package_for(std::string_view program)
{
    const std::string_view name = basename_of(program);
    if (detect_emulator_kind(name) == EmulatorKind::uml) {
        return "user-mode-linux";
    }
    constexpr std::string_view qemu_prefix = "qemu-system-";
    if (!name.starts_with(qemu_prefix)) {
        return std::nullopt;
    }
    const std::string_view target = name.substr(qemu_prefix.size());
    constexpr std::array<std::pair<std::string_view, std::string_view>, 8> packages{{
        {"x86_64", "qemu-system-x86"},
        {"i386", "qemu-system-x86"},
        {"aarch64", "qemu-system-arm"},
        {"arm", "qemu-system-arm"},
        {"ppc", "qemu-system-ppc"},
        {"mips", "qemu-system-mips"},
        {"s390x", "qemu-system-s390x"},
        {"sparc", "qemu-system-sparc"},
    }};
    for (const auto& [prefix, package] : packages) {
        if (target.starts_with(prefix)) {
            return std::string(package);
        }
    }
    return "qemu-system-misc";
}

std::string resolve_emulator(const GuestDefinition& guest, const HostFacts& host)
{
    if (auto path = host.resolve_program(guest.emulator)) {
        return std::move(*path);
    }
    const bool bare_name = guest.emulator.find('/') == std::string::npos;
    std::string fix;
    if (const auto package = debian_package_for(guest.emulator)) {
        fix = "install it: apt-get install " + *package;
        if (bare_name) {
            fix += ", or give its full path";
        }
    } else {
        fix = bare_name ? "install it, or give its full path" : "check the path";
    }
    throw HostError("emulator '" + guest.emulator + "' not found" + (bare_name ? " in PATH" : "") +
                    " or not executable (" + fix + ")");
}

std::string resolve_uml_program(const GuestDefinition& guest, const std::string& emulator_path,
                                const HostFacts& host)
{
    if (detect_emulator_kind(guest.emulator) == EmulatorKind::uml) {
        return emulator_path;
    }
    for (const std::string& word : guest.emulator_args) {
        if (detect_emulator_kind(word) == EmulatorKind::uml) {
            return host.resolve_program(word).value_or(emulator_path);
        }
    }
    return emulator_path;
}

}  // namespace taplaunch
