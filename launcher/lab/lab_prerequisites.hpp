#pragma once
// What a lab needs from the host, checked before anything is made: each missing piece is one
// line naming it and the fix (the package, the sysctl, the mode of /dev/net/tun).

#include "lab/lab_settings.hpp"

#include <string>

namespace taplaunch {

// The programs a lab runs, found on PATH or in the system directories ordinary users often
// lack on PATH (/usr/sbin, /sbin).
struct LabPrograms {
    std::string ip;
    std::string nft;      // with --outbound
    std::string pasta;    // with --outbound
    std::string dnsmasq;  // with --dhcp
};

// Throws HostError for the first missing prerequisite: a program (and its package), /dev/net/tun
// that the caller cannot open (not root: its mode, and chmod 0666), user namespaces forbidden
// by a sysctl (not root: which one, and the setting that allows them), dnsmasq's lease
// directory. `as_root`: the caller is root and needs no user namespace.
LabPrograms check_lab_prerequisites(const LabSettings& settings, bool as_root);

// The one line for a user namespace that the kernel refused to create (clone's `errnum`): the
// sysctl that forbids it where one does, else what else does (a container runtime's seccomp
// filter) and what to do.
std::string user_namespace_refusal(int errnum);

// Where dnsmasq keeps its leases by default on Debian; the lab mounts a tmpfs of its own there,
// in its own mount namespace, for its state (dnsmasq's leases and log, the NAT ruleset).
inline constexpr const char* lab_state_directory = "/var/lib/misc";

}  // namespace taplaunch
