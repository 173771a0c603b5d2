#pragma once
// Fresh QEMU ids (netdev and device ids) that collide with none in the user's arguments.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>

namespace taplaunch {

class QemuIdAllocator {
public:
    // `in_use`: every id the user's arguments define (QemuNetworkScan::ids_in_use).
    explicit QemuIdAllocator(std::set<std::string> in_use) : in_use_(std::move(in_use)) {}

    // The first of "<prefix>0", "<prefix>1", ... that is not in use; in use from then on.
    // `prefix` must start with a letter and hold only letters, digits, '-', '.' and '_', as
    // QEMU requires of an id.
    std::string next(std::string_view prefix);

private:
    std::set<std::string> in_use_;
    // Per prefix, the number to try first: every lower one is in use already, so a launch
    // with many NICs does not try them all again for each.
    std::map<std::string, unsigned long, std::less<>> next_number_;
};

}  // namespace taplaunch
