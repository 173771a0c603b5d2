#pragma once
// QemuOptionSet: the options the command line is read against. QEMU 7.2's checked table, or
// what the QEMU binary about to run lists in its -help (with the table's answer where both
// know an option).

#include "emulators/qemu_help_options.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace taplaunch {

class QemuOptionSet {
public:
    // QEMU 7.2's table alone. `why_not_asked`: why the binary's own list is not used, for
    // messages (empty when nothing needed it).
    static QemuOptionSet table(std::string why_not_asked = {});
    // What `program` listed in its -help.
    static QemuOptionSet from_help(std::string program, QemuHelpOptions help);

    // Whether option `name` (without "-") takes the next word as its value; nullopt when
    // this QEMU has no such option.
    std::optional<bool> takes_value(std::string_view name) const;

    bool from_binary() const { return help_.has_value(); }
    // "7.2" for the table, else what the binary reported (may be empty).
    std::string qemu_version() const;
    // Why the binary was not asked; empty when it was, or when nothing needed it.
    const std::string& why_not_asked() const { return why_not_asked_; }
    // Where the options come from, in one line: "/usr/bin/qemu-system-x86_64 -help (QEMU
    // 10.0.13)" or "taplaunch's table of QEMU 7.2 (WHY)".
    std::string source() const;
    // The problem with an option this set does not know, for a one-line error:
    // "not an option of QEMU 10.0.13 (PROGRAM -help does not list it)".
    std::string unknown_option_problem() const;
    // The fix for it: what replaced it in this QEMU, or "remove it, ...".
    std::string unknown_option_fix(std::string_view name) const;

private:
    std::optional<QemuHelpOptions> help_;
    std::string program_;
    std::string why_not_asked_;
};

// What replaced an option that QEMU removed ("-run-with user=USER" for "runas"), or the
// option of QEMU 7.2 that did the job of a newer one, or nullopt.
std::optional<std::string_view> qemu_option_replacement(std::string_view name);

}  // namespace taplaunch
