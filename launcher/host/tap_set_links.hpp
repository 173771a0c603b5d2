#pragma once
// TapSetLinks: everything a TapSet asks of the kernel about links, and every change it makes
// to them. An interface, so that a TapSet's decisions (what to undo, what it may delete) can
// be tested against a fake kernel; netlink_tap_set_links() is the real one.

#include "host/link_change.hpp"
#include "host/netlink_socket.hpp"
#include "plan/link_facts.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace taplaunch {

class TapSetLinks {
public:
    virtual ~TapSetLinks() = default;

    // Every link in this network namespace. Throws HostError.
    virtual std::vector<LinkFacts> list_links() const = 0;
    // The link with index `ifindex`, or nullopt when there is none. Throws HostError.
    virtual std::optional<LinkFacts> find_link(int ifindex) const = 0;
    // The ifindex of the link called `name`, or 0 when there is none.
    virtual int index_of(const std::string& name) = 0;
    // Sends the changes (creations aside, all a TapSet makes: link changes and deletions) and
    // returns, for each in order, "" when the kernel applied it, else the kernel's error.
    // Throws HostError when the kernel cannot be asked at all.
    virtual std::vector<std::string> apply(const std::vector<LinkChange>& changes) = 0;
};

// The kernel's links over route netlink: queries through `netlink`, which the result shares,
// changes as NetlinkBatch requests on a socket of its own, opened here, before any TAP (a
// launch short of fds then fails on a TAP's own open, whose error says which limit to raise).
// Throws HostError.
std::unique_ptr<TapSetLinks> netlink_tap_set_links(std::shared_ptr<NetlinkSocket> netlink);

}  // namespace taplaunch
