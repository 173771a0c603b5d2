#pragma once
// OwnerRecord: who created a TAP, stored in the TAP's interface alias (IFLA_IFALIAS) as
// "taplaunch pid=<pid> start=<start time> guest=<name> mac=<guest mac>". A PID alone can be
// reused; PID plus the process's start time (clock ticks after boot, /proc/PID/stat field 22)
// names one process for the life of the machine. The process is taplaunch: the supervisor, or,
// after exec, the emulator itself (exec keeps the PID and the start time). The guest's MAC is
// there because the TAP's own (0xFE...) does not tell it. Fields may be added; a reader skips
// what it does not know, and records without mac= (older ones) still parse.

#include "definition/mac_address.hpp"

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
    std::optional<MacAddress> guest_mac;
};

std::string format_owner_record(const OwnerRecord& record);
// nullopt for any alias taplaunch did not write.
std::optional<OwnerRecord> parse_owner_record(std::string_view alias);

}  // namespace taplaunch
