// libFuzzer target: the QEMU command-line scanner and the bridge-form rewrite. The input is
// QEMU's arguments separated by NUL bytes. Whatever the scan takes over, the rewrite must take
// with one TAP fd per NIC, and leave no bridge form behind.

#include "definition/mac_address.hpp"
#include "emulators/qemu_bridge_rewrite.hpp"
#include "emulators/qemu_network_scan.hpp"
#include "launch_error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> args;
    std::size_t start = 0;
    while (start <= input.size() && args.size() < 256) {
        const std::size_t end = std::min(input.find('\0', start), input.size());
        args.emplace_back(input.substr(start, end - start));
        start = end + 1;
    }
    taplaunch::QemuNetworkScan scan;
    try {
        scan = taplaunch::scan_qemu_arguments(args);
    } catch (const taplaunch::DefinitionError& error) {
        if (std::string_view(error.what()).find('\n') != std::string_view::npos) {
            std::abort();
        }
        return 0;
    }
    std::vector<taplaunch::QemuBridgeTap> taps;
    for (std::size_t index = 0; index < scan.bridge_nics.size(); ++index) {
        taplaunch::QemuBridgeTap tap;
        tap.queue_fds = {static_cast<int>(3 + index)};
        tap.guest_mac = scan.bridge_nics[index].mac.value_or(
            taplaunch::default_guest_mac("fuzz", index));
        taps.push_back(tap);
    }
    taplaunch::QemuBridgeRewrite rewrite;
    try {
        rewrite = taplaunch::rewrite_qemu_bridges(args, scan, taps);
    } catch (const taplaunch::DefinitionError&) {
        return 0;  // e.g. mq=off on the NIC's -device: refused, as documented
    }
    // std::invalid_argument (taps that do not fit the scan) is a bug here: it goes up.
    if (!scan.bridge_nics.empty()) {
        const taplaunch::QemuNetworkScan again = taplaunch::scan_qemu_arguments(rewrite.args);
        if (!again.bridge_nics.empty()) {
            std::abort();
        }
    }
    return 0;
}
