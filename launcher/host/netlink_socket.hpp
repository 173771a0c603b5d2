#pragma once
// NetlinkSocket: a route-netlink connection (libnl-3) that reads links.

#include "definition/mac_address.hpp"
#include "host/link_details.hpp"
#include "plan/link_facts.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

struct nl_sock;

namespace taplaunch {

class NetlinkSocket {
public:
    // Connects to NETLINK_ROUTE in this network namespace (close-on-exec). Throws HostError.
    static NetlinkSocket connect();

    std::optional<LinkFacts> find_link(const std::string& name) const;
    std::optional<LinkFacts> find_link(int ifindex) const;
    // Every link in this network namespace.
    std::vector<LinkFacts> list_links() const;
    // Every link with its operational state and bridge or bridge port settings.
    std::vector<LinkDetails> list_link_details() const;
    // Every link attached to the device `master_ifindex` (a bridge's ports).
    std::vector<LinkFacts> list_ports(int master_ifindex) const;

    // Link changes, deletions included, go through NetlinkBatch (host/netlink_batch.hpp);
    // this socket only reads.

private:
    struct SocketDeleter {
        void operator()(nl_sock* socket) const;
    };
    explicit NetlinkSocket(std::unique_ptr<nl_sock, SocketDeleter> socket);
    std::optional<LinkFacts> query_link(int ifindex, const char* name) const;

    std::unique_ptr<nl_sock, SocketDeleter> socket_;
};

}  // namespace taplaunch
