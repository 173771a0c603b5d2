#pragma once
// OwnerRecord: who created a TAP, stored in the TAP's interface alias (IFLA_IFALIAS) as
// "taplaunch pid=<pid> start=<start time> pidns=<inode> guest=<name> mac=<guest mac> uid=<uid>
// [lock=mac|ip]".
// A PID alone can be reused; PID plus the process's start time (clock ticks after boot,
// /proc/PID/stat field 22) names one process for the life of the machine, and only in its own
// PID namespace, whose inode (/proc/self/ns/pid) pidns= gives. The process is taplaunch: the
// supervisor, or, after exec, the emulator itself (exec keeps the PID and the start time). The
// guest's MAC is there because the TAP's own (0xFE...) does not tell it. Fields may be added; a
// reader skips what it does not know, and records without pidns=, mac= or uid= (older ones)
// still parse.

#include "definition/mac_address.hpp"
#include "definition/port_lock.hpp"

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace taplaunch {

struct ProcessIdentity {
    pid_t pid = 0;
    unsigned long long start_time = 0;
    // The inode of the PID namespace `pid` belongs to; nullopt where it is not known (records
    // written before it was recorded).
    std::optional<unsigned long long> pid_namespace = std::nullopt;
    friend bool operator==(const ProcessIdentity&, const ProcessIdentity&) = default;
};

struct OwnerRecord {
    ProcessIdentity process;
    std::string guest;
    std::optional<MacAddress> guest_mac;
    std::optional<uid_t> uid = std::nullopt;  // the real uid of the caller that launched it
    LockMode lock = LockMode::off;            // the NIC's lock= (" lock=mac|ip"; absent: off)
};

std::string format_owner_record(const OwnerRecord& record);
// nullopt for any alias taplaunch did not write.
std::optional<OwnerRecord> parse_owner_record(std::string_view alias);

// The user other than `caller` that a TAP belongs to, by the TAP's owner (IFLA_TUN_OWNER, if
// any) or the uid in its record (if any); nullopt when both that are there name `caller`. A
// TAP with neither belongs to root.
std::optional<uid_t> owner_other_than(uid_t caller, const OwnerRecord& record,
                                      std::optional<uid_t> tun_owner);

}  // namespace taplaunch
