// libFuzzer target: the NIC spec parser (--nic / nic= values) and the interface name check.

#include "definition/nic_spec.hpp"
#include "launch_error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static_cast<void>(taplaunch::ifname_problem(text, true));
    try {
        const taplaunch::NicSpec spec = taplaunch::parse_nic_spec(text);
        // What the parser takes, the rest of taplaunch relies on: exactly one of a bridge and
        // a macvtap's lower interface, a valid interface name.
        const std::string& attached_to =
            spec.macvtap.lower.empty() ? spec.bridge : spec.macvtap.lower;
        if ((spec.bridge.empty() == spec.macvtap.lower.empty()) ||
            taplaunch::ifname_problem(attached_to, false) ||
            taplaunch::ifname_problem(spec.ifname, true) || spec.queues < 1 ||
            spec.queues > taplaunch::max_tap_queues ||
            (spec.mtu && (*spec.mtu < taplaunch::min_tap_mtu || *spec.mtu > taplaunch::max_tap_mtu)) ||
            (spec.guest_mac && (spec.guest_mac->is_multicast() || spec.guest_mac->is_zero()))) {
            std::abort();
        }
    } catch (const taplaunch::DefinitionError& error) {
        if (std::string_view(error.what()).find('\n') != std::string_view::npos) {
            std::abort();  // every error is one line
        }
    }
    return 0;
}
