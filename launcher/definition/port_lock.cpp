#include "definition/port_lock.hpp"

namespace taplaunch {

std::string_view lock_mode_name(LockMode mode)
{
    switch (mode) {
    case LockMode::off:
        return "off";
    case LockMode::mac:
        return "mac";
    case LockMode::ip:
        return "ip";
    }
    return "off";
}

std::optional<LockMode> parse_lock_mode(std::string_view text)
{
    for (const LockMode mode : {LockMode::off, LockMode::mac, LockMode::ip}) {
        if (text == lock_mode_name(mode)) {
            return mode;
        }
    }
    return std::nullopt;
}

}  // namespace taplaunch
