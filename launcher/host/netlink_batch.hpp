#pragma once
// NetlinkBatch: link changes sent many to one sendmsg, their acknowledgements read after. The
// kernel handles a batch's requests in order, one at a time, exactly as if each were sent
// alone; a failed request does not stop the next one, so a batch holds only requests that do
// not depend on each other (the same step for every TAP of a launch).

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

    // Sends every change in one sendmsg and reads each acknowledgement. Returns, for each
    // change in order, "" when the kernel applied it, else the kernel's error (with its
    // extended-ack message where it gives one). Throws HostError when the socket fails.
    std::vector<std::string> apply(const std::vector<LinkChange>& changes);

    // The ifindex of the link called `name` (SIOCGIFINDEX: one syscall, no netlink round
    // trip), or 0 when there is none.
    int index_of(const std::string& name) const;

private:
    explicit NetlinkBatch(UniqueFd socket) : socket_(std::move(socket)) {}

    UniqueFd socket_;
    std::uint32_t next_seq_ = 1;
};

}  // namespace taplaunch
