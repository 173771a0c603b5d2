#include "emulators/qemu_id_allocator.hpp"

#include <stdexcept>

namespace taplaunch {

namespace {

// QEMU's id_wellformed(): a letter, then letters, digits, '-', '.', '_'.
bool is_qemu_id_prefix(std::string_view prefix)
{
    const auto is_letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (prefix.empty() || !is_letter(prefix.front())) {
        return false;
    }
    for (const char c : prefix) {
        if (!is_letter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '.' && c != '_') {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string QemuIdAllocator::next(std::string_view prefix)
{
    if (!is_qemu_id_prefix(prefix)) {
        throw std::invalid_argument("QemuIdAllocator: '" + std::string(prefix) +
                                    "' cannot start a QEMU id");
    }
    for (unsigned long number = 0;; ++number) {
        std::string id = std::string(prefix) + std::to_string(number);
        if (in_use_.insert(id).second) {
            return id;
        }
    }
}

}  // namespace taplaunch
