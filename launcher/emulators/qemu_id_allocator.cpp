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
    auto next_number = next_number_.find(prefix);
    if (next_number == next_number_.end()) {
        next_number = next_number_.emplace(std::string(prefix), 0).first;
    }
    for (unsigned long& number = next_number->second;; ++number) {
        std::string id = std::string(prefix) + std::to_string(number);
        if (in_use_.insert(id).second) {
            ++number;
            return id;
        }
    }
}

}  // namespace taplaunch
