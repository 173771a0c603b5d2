#pragma once
// BridgeSnapshot: everything `taplaunch doctor` reads about one bridge, its ports and what
// filters bridged traffic; read once (tools/bridge_reading), then explained
// (tools/bridge_report) without touching the host again.

#include "host/link_details.hpp"
#include "plan/owner_record.hpp"

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace taplaunch {

// How a device's MAC came to be (/sys/class/net/NAME/addr_assign_type, which netlink lacks).
enum class MacOrigin {
    unknown,      // sysfs shows another network namespace, or is not there
    permanent,    // NET_ADDR_PERM: the hardware's
    random,       // NET_ADDR_RANDOM: chosen at random by the kernel (a new TAP, veth, bridge)
    stolen,       // NET_ADDR_STOLEN: taken from another device
    set,          // NET_ADDR_SET: set by hand (ip link set ... address, or at creation)
};

struct PortSnapshot {
    LinkDetails details;
    MacOrigin mac_origin = MacOrigin::unknown;
    std::optional<OwnerRecord> owner;  // taplaunch's owner record, from its alias
    bool owner_running = false;        // the recorded process still runs
    std::string owner_command;         // its name (/proc/PID/comm): taplaunch for a supervisor,
                                       // else the emulator taplaunch became (exec)
    std::optional<pid_t> holder;       // a process that holds the TAP open
    std::string holder_command;        // its name (/proc/PID/comm)
};

// A netfilter chain on the FORWARD hook, where br_netfilter hands bridged traffic.
struct ForwardChain {
    std::string family;     // "IPv4" or "IPv6"
    std::string where;      // "iptables-legacy chain FORWARD", "nft table ip filter chain FORWARD"
    std::string policy;     // "accept" or "drop", lower case
    std::vector<std::string> accepting_rules;  // rules of its table that accept what enters
                                               // through the bridge
    std::string fix;        // the command that accepts the bridge's traffic there
};

struct NetfilterSnapshot {
    bool br_netfilter = false;             // /proc/sys/net/bridge exists (module loaded or built in)
    std::optional<bool> call_iptables;     // net.bridge.bridge-nf-call-iptables
    std::optional<bool> call_ip6tables;    // net.bridge.bridge-nf-call-ip6tables
    std::vector<ForwardChain> chains;
    std::vector<std::string> unreadable;   // what could not be read, and why
                                           // ("nft: not installed")
};

struct BridgeSnapshot {
    LinkDetails bridge;
    MacOrigin mac_origin = MacOrigin::unknown;
    std::vector<PortSnapshot> ports;  // in ifindex order
    NetfilterSnapshot netfilter;
};

}  // namespace taplaunch
