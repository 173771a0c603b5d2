#include "emulators/qemu_option_table.hpp"

#include <algorithm>
#include <array>

namespace taplaunch {

namespace {

struct QemuOptionEntry {
    std::string_view name;
    bool takes_value;
};

// Every DEF(name, flags, ...) of QEMU 7.2's qemu-options.hx, in its order; takes_value is
// flags & HAS_ARG. Built from that file's DEF lines and checked entry for entry against the
// qemu_options[] table compiled into Debian's qemu-system-x86_64 7.2 (1:7.2+dfsg-7+deb12u18),
// which holds the options of every target (e.g. -g, -prom-env) with an arch mask; see
// docs/qemu-forms.md. QEMU looks options up by exact name: no abbreviations.
constexpr std::array qemu_7_2_options = std::to_array<QemuOptionEntry>({
    {"h", false},
    {"help", false},
    {"version", false},
    {"machine", true},
    {"M", true},
    {"cpu", true},
    {"accel", true},
    {"smp", true},
    {"numa", true},
    {"add-fd", true},
    {"set", true},
    {"global", true},
    {"boot", true},
    {"m", true},
    {"mem-path", true},
    {"mem-prealloc", false},
    {"k", true},
    {"audio-help", false},
    {"audio", true},
    {"audiodev", true},
    {"device", true},
    {"name", true},
    {"uuid", true},
    {"fda", true},
    {"fdb", true},
    {"hda", true},
    {"hdb", true},
    {"hdc", true},
    {"hdd", true},
    {"cdrom", true},
    {"blockdev", true},
    {"drive", true},
    {"mtdblock", true},
    {"sd", true},
    {"snapshot", false},
    {"fsdev", true},
    {"virtfs", true},
    {"iscsi", true},
    {"usb", false},
    {"usbdevice", true},
    {"display", true},
    {"nographic", false},
    {"spice", true},
    {"portrait", false},
    {"rotate", true},
    {"vga", true},
    {"full-screen", false},
    {"g", true},
    {"vnc", true},
    {"win2k-hack", false},
    {"no-fd-bootchk", false},
    {"no-acpi", false},
    {"no-hpet", false},
    {"acpitable", true},
    {"smbios", true},
    {"netdev", true},
    {"nic", true},
    {"net", true},
    {"chardev", true},
    {"tpmdev", true},
    {"bios", true},
    {"pflash", true},
    {"kernel", true},
    {"append", true},
    {"initrd", true},
    {"dtb", true},
    {"compat", true},
    {"fw_cfg", true},
    {"serial", true},
    {"parallel", true},
    {"monitor", true},
    {"qmp", true},
    {"qmp-pretty", true},
    {"mon", true},
    {"debugcon", true},
    {"pidfile", true},
    {"singlestep", false},
    {"preconfig", false},
    {"S", false},
    {"overcommit", true},
    {"gdb", true},
    {"s", false},
    {"d", true},
    {"D", true},
    {"dfilter", true},
    {"seed", true},
    {"L", true},
    {"enable-kvm", false},
    {"xen-domid", true},
    {"xen-attach", false},
    {"xen-domid-restrict", false},
    {"no-reboot", false},
    {"no-shutdown", false},
    {"action", true},
    {"loadvm", true},
    {"daemonize", false},
    {"option-rom", true},
    {"rtc", true},
    {"icount", true},
    {"watchdog-action", true},
    {"echr", true},
    {"incoming", true},
    {"only-migratable", false},
    {"nodefaults", false},
    {"chroot", true},
    {"runas", true},
    {"prom-env", true},
    {"semihosting", false},
    {"semihosting-config", true},
    {"old-param", false},
    {"sandbox", true},
    {"readconfig", true},
    {"no-user-config", false},
    {"trace", true},
    {"plugin", true},
    {"qtest", true},
    {"qtest-log", true},
    {"async-teardown", false},
    {"msg", true},
    {"dump-vmstate", true},
    {"enable-sync-profile", false},
    {"object", true},
});

}  // namespace

std::optional<bool> qemu_option_takes_value(std::string_view name)
{
    const auto entry = std::find_if(qemu_7_2_options.begin(), qemu_7_2_options.end(),
                                    [name](const QemuOptionEntry& e) { return e.name == name; });
    if (entry == qemu_7_2_options.end()) {
        return std::nullopt;
    }
    return entry->takes_value;
}

std::vector<std::string_view> qemu_table_option_names()
{
    std::vector<std::string_view> names;
    for (const QemuOptionEntry& entry : qemu_7_2_options) {
        names.push_back(entry.name);
    }
    return names;
}

bool qemu_option_hidden_from_help(std::string_view name)
{
    // -M until QEMU 11 ("as -machine" there); -qtest and -qtest-log in every release. Checked
    // with qemu-system-x86_64 7.2, 10.0 and 11.1: each takes a value and none is listed
    // (tests/unit/data/qemu-help/).
    return name == "M" || name == "qtest" || name == "qtest-log";
}

}  // namespace taplaunch
