#pragma once
// NetlinkBatch: link changes sent many to one sendmsg, their acknowledgements read after. The
// kernel handles a batch's requests in order, one at a time, exactly as if each were sent
// alone; a failed request does not stop the next one, so a batch holds only requests that do
// not depend on each other (the same step for every TAP of a launch). The kernel handles a
// whole sendmsg before it returns and queues every acknowledgement on the socket, which drops
// those that do not fit its receive buffer; so a batch goes out in chunks whose
// acknowledgements fit (and whose requests fit one sendmsg), each chunk's read before the next
// is sent.

#include "host/link_change.hpp"
#include "host/unique_fd.hpp"

#include <string>
#include <vector>

namespace taplaunch {

class NetlinkBatch {
public:
    // A route-netlink socket of its own (close-on-exec), so that its sequence numbers never
    // mix with libnl's. Throws HostError.
    static NetlinkBatch open();

    // Sends every change, as many to one sendmsg as requests_per_send(), and reads each
    // acknowledgement. Returns, for each change in order, "" when the kernel applied it, else
    // the kernel's error (with its extended-ack message where it gives one). Throws HostError
    // when the socket fails.
    std::vector<std::string> apply(const std::vector<LinkChange>& changes);

    // How many requests one sendmsg carries: as many as the receive buffer holds
    // acknowledgements of (at least one).
    std::size_t requests_per_send() const { return requests_per_send_; }

    // The ifindex of the link called `name` (SIOCGIFINDEX: one syscall, no netlink round
    // trip), or 0 when there is none.
    int index_of(const std::string& name) const;

private:
    NetlinkBatch(UniqueFd socket, std::size_t requests_per_send)
        : socket_(std::move(socket)), requests_per_send_(requests_per_send)
    {
    }

    // Sends the encoded requests [first, first + count) in one sendmsg and reads their
    // acknowledgements into `results`.
    void apply_chunk(const std::vector<std::vector<std::uint8_t>>& encoded, std::size_t first,
                     std::size_t count, std::vector<std::string>& results);

    UniqueFd socket_;
    std::size_t requests_per_send_;
    std::uint32_t next_seq_ = 1;
};

}  // namespace taplaunch
