#include "plan/qemu_option_source.hpp"

#include "emulators/qemu_command_line.hpp"
#include "launch_error.hpp"

#include <algorithm>

namespace taplaunch {

namespace {

bool table_knows_every_option(const std::vector<std::string>& args)
{
    try {
        const std::vector<QemuArgument> arguments = split_qemu_arguments(args);
        return std::none_of(arguments.begin(), arguments.end(), [](const QemuArgument& argument) {
            return argument.kind == QemuArgument::Kind::unknown_option;
        });
    } catch (const DefinitionError&) {
        return true;  // the scan reports it; the binary cannot change that
    }
}

}  // namespace

std::optional<std::string> describe_qemu_option_source(const QemuOptionSet& options)
{
    if (!options.from_binary() && options.why_not_asked().empty()) {
        return std::nullopt;
    }
    return "QEMU options: " + options.source();
}

bool names_qemu_binary(std::string_view program)
{
    const std::size_t slash = program.rfind('/');
    const std::string_view name =
        slash == std::string_view::npos ? program : program.substr(slash + 1);
    return name.starts_with("qemu-system-") || name == "qemu-kvm";
}

QemuOptionSet decide_qemu_options(const GuestDefinition& guest, const HostFacts& host,
                                  bool always_ask)
{
    if (!always_ask && table_knows_every_option(guest.emulator_args)) {
        return QemuOptionSet::table();
    }
    const std::optional<std::string> path = host.resolve_program(guest.emulator);
    if (!path) {
        return QemuOptionSet::table(guest.emulator + " was not found to ask");
    }
    if (!names_qemu_binary(*path)) {
        return QemuOptionSet::table(*path + " was not asked for QEMU's options: it is not a "
                                    "qemu-system-* binary (a wrapper?)");
    }
    std::optional<QemuHelpOptions> help = host.qemu_help_options(*path);
    if (!help || help->takes_value.empty()) {
        return QemuOptionSet::table(*path + " -help listed no options");
    }
    return QemuOptionSet::from_help(*path, std::move(*help));
}

}  // namespace taplaunch
