#pragma once
// The options a QEMU binary lists in its -help, and which of them take a value.

#include <map>
#include <string>
#include <string_view>

namespace taplaunch {

struct QemuHelpOptions {
    std::string version;  // "10.0.13" from "QEMU emulator version 10.0.13 (...)"; empty if none
    std::map<std::string, bool, std::less<>> takes_value;  // every option listed, without "-"
};

// Reads the text `QEMU -help` prints. Each option's first help line starts with its name
// ("-netdev", "--preconfig", "-fda/-fdb", "-h or -help"); what follows the name up to the
// description is its value, and QEMU starts the description in column 16 (after a name of
// 15 characters or more: after two spaces), so "-cpu cpu        select CPU" takes a value and
// "-usb            enable ..." does not. "-M   as -machine" takes what -machine takes.
// Lines that do not start with '-' are ignored. An empty `takes_value` means the text lists
// no options (not QEMU's help).
QemuHelpOptions parse_qemu_help(std::string_view text);

}  // namespace taplaunch
