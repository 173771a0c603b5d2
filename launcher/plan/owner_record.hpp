#pragma once
// OwnerRecord: who created a persistent TAP, stored in the TAP's interface alias
// (IFLA_IFALIAS) as "taplaunch pid=<pid> start=<start time> guest=<name>". A PID alone can be
// reused; PID plus the process's start time (clock ticks after boot, /proc/PID/stat field 22)
// names one process for the life of the machine.

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace taplaunch {

struct ProcessIdentity {
    pid_t pid = 0;
    unsigned long long start_time = 0;
    friend bool operator==(const ProcessIdentity&, const ProcessIdentity&) = default;
};

struct OwnerRecord {
    ProcessIdentity process;
    std::string guest;
};

std::string format_owner_record(const OwnerRecord& record);
// nullopt for any alias taplaunch did not write.
std::optional<OwnerRecord> parse_owner_record(std::string_view alias);

}  // namespace taplaunch
