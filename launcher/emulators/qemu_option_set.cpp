#include "emulators/qemu_option_set.hpp"

#include "emulators/qemu_option_table.hpp"

#include <array>
#include <utility>

namespace taplaunch {

namespace {

constexpr std::string_view table_version = "7.2";

struct Replacement {
    std::string_view name;
    std::string_view instead;
};

// From QEMU's docs/about/removed-features.rst (options removed up to 10.0), and the way
// back for -run-with, which QEMU 9.1 added.
constexpr std::array replacements = std::to_array<Replacement>({
    {"runas", "-run-with user=USER"},
    {"chroot", "-run-with chroot=DIR"},
    {"async-teardown", "-run-with async-teardown=on"},
    {"no-hpet", "-machine hpet=off"},
    {"no-acpi", "-machine acpi=off"},
    {"singlestep", "-accel tcg,one-insn-per-tb=on"},
    {"run-with", "-runas USER and -chroot DIR"},
});

}  // namespace

QemuOptionSet QemuOptionSet::table(std::string why_not_asked)
{
    QemuOptionSet set;
    set.why_not_asked_ = std::move(why_not_asked);
    return set;
}

QemuOptionSet QemuOptionSet::from_help(std::string program, QemuHelpOptions help)
{
    QemuOptionSet set;
    set.program_ = std::move(program);
    set.help_ = std::move(help);
    return set;
}

std::optional<bool> QemuOptionSet::takes_value(std::string_view name) const
{
    const std::optional<bool> checked = qemu_option_takes_value(name);
    if (!help_) {
        return checked;
    }
    const auto listed = help_->takes_value.find(name);
    if (listed == help_->takes_value.end()) {
        // Not listed: gone from this QEMU (or not for its target), unless it is one QEMU
        // never lists.
        if (checked && qemu_option_hidden_from_help(name)) {
            return checked;
        }
        return std::nullopt;
    }
    // The table was checked option by option against QEMU 7.2's binary; the help text is read
    // by layout. Where both know an option they agree (tests/unit/test_qemu_help_options.cpp).
    return checked ? checked : listed->second;
}

std::string QemuOptionSet::qemu_version() const
{
    return help_ ? help_->version : std::string(table_version);
}

std::string QemuOptionSet::source() const
{
    if (help_) {
        return program_ + " -help (QEMU " + (help_->version.empty() ? "of unknown version" : help_->version) + ")";
    }
    std::string text = "taplaunch's table of QEMU " + std::string(table_version);
    if (!why_not_asked_.empty()) {
        text += " (" + why_not_asked_ + ")";
    }
    return text;
}

std::string QemuOptionSet::unknown_option_problem() const
{
    std::string text;
    if (help_) {
        text = "not an option of QEMU " + (help_->version.empty() ? std::string("here") : help_->version) +
               " (" + program_ + " -help does not list it)";
    } else {
        text = "not an option of QEMU " + std::string(table_version);
        if (!why_not_asked_.empty()) {
            text += " (taplaunch's table; " + why_not_asked_ + ")";
        }
    }
    return text;
}

std::string QemuOptionSet::unknown_option_fix(std::string_view name) const
{
    // Only the binary's own list says which QEMU this is, so which way is its way.
    if (const auto instead = help_ ? qemu_option_replacement(name) : std::nullopt) {
        return "use " + std::string(*instead) + " instead, or run a QEMU that has -" +
               std::string(name);
    }
    return "remove it, or run a QEMU that has it";
}

std::optional<std::string_view> qemu_option_replacement(std::string_view name)
{
    for (const Replacement& replacement : replacements) {
        if (replacement.name == name) {
            return replacement.instead;
        }
    }
    return std::nullopt;
}

}  // namespace taplaunch
