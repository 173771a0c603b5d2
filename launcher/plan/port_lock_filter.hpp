#pragma once
// The filter that enforces a NIC's lock: a classic BPF program for the TAP's ingress (what the
// guest sends), attached with tc as a direct-action `bpf` classifier on a clsact qdisc. It lives
// on the device, so it goes with the TAP and never reaches a later device of the same name.

#include "definition/mac_address.hpp"
#include "definition/port_lock.hpp"

#include <cstdint>
#include <vector>

namespace taplaunch {

// One classic BPF instruction, laid out as the kernel's struct sock_filter.
struct BpfInstruction {
    std::uint16_t code = 0;
    std::uint8_t jt = 0;
    std::uint8_t jf = 0;
    std::uint32_t k = 0;

    friend bool operator==(const BpfInstruction&, const BpfInstruction&) = default;
};

// What the program returns (tc actions, direct-action mode): pass on to the bridge (and any
// later filter), or drop.
inline constexpr std::uint32_t lock_filter_pass = 0xffffffffU;  // TC_ACT_UNSPEC
inline constexpr std::uint32_t lock_filter_drop = 2;            // TC_ACT_SHOT

// The IPv6 link-local address a guest makes from its MAC (modified EUI-64, RFC 4291).
IpAddress eui64_link_local(const MacAddress& mac);

// The IPv6 addresses a lock=ip guest may send from and claim in neighbour advertisements: its
// ip= IPv6 addresses and its EUI-64 link-local address.
std::vector<IpAddress> lock_ipv6_sources(const PortLock& lock, const MacAddress& guest_mac);

// The program for `lock` (mode mac or ip) of a guest whose MAC is `guest_mac`. Every load is
// preceded by a check of the frame's length, so no frame makes it fault (a fault would pass).
std::vector<BpfInstruction> port_lock_filter(const PortLock& lock, const MacAddress& guest_mac);

}  // namespace taplaunch
