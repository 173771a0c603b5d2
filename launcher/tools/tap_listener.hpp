#pragma once
// TapListener: while `taplaunch wait` runs, what a guest sends into its TAP, read through a
// packet socket on the TAP (CAP_NET_RAW in the TAP's network namespace: root, or root of a
// lab's user namespace). A guest announces its addresses there before anyone answers it: the
// sender of its ARP requests and replies, the source of its IPv4 packets (DHCP's own requests
// come from 0.0.0.0 and say nothing yet) and of its IPv6 packets (link-local and unspecified
// sources left out).

#include "host/unique_fd.hpp"
#include "tools/seen_addresses.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace taplaunch {

// Adds what one Ethernet frame says about the address its sender uses, if anything, to `seen`
// under the frame's source MAC.
void add_frame_addresses(const std::uint8_t* frame, std::size_t length, AddressesByMac& seen);

class TapListener {
public:
    // Listens on the link `ifindex`; nullopt when packet sockets are not allowed here (no
    // CAP_NET_RAW), which leaves wait with its other sources.
    static std::optional<TapListener> open(int ifindex);
    int fd() const { return socket_.get(); }
    // Reads every frame waiting, adding what they say to `seen`.
    void drain(AddressesByMac& seen) const;

private:
    explicit TapListener(UniqueFd socket) : socket_(std::move(socket)) {}
    UniqueFd socket_;
};

}  // namespace taplaunch
