#pragma once
// NetlinkSocket: a route-netlink connection (libnl-route-3) that reads and changes links.

#include "definition/mac_address.hpp"
#include "host/link_details.hpp"
#include "plan/link_facts.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

struct nl_sock;
struct rtnl_link;

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

    // Each change is one RTM_NEWLINK request; each throws HostError with libnl's reason.
    // With a non-empty `alias`, sets IFLA_IFALIAS in the same request.
    void set_mac(int ifindex, const MacAddress& mac, const std::string& alias = {});
    void set_mtu(int ifindex, unsigned mtu);
    void set_master(int ifindex, int master_ifindex);
    // The isolated flag of a bridge port (IFLA_BRPORT_ISOLATED, sent as the master's slave
    // data): the link must be attached to a bridge already.
    void set_port_isolated(int ifindex, bool isolated);
    void set_up(int ifindex);
    void set_alias(int ifindex, const std::string& alias);
    void delete_link(int ifindex);

private:
    struct SocketDeleter {
        void operator()(nl_sock* socket) const;
    };
    explicit NetlinkSocket(std::unique_ptr<nl_sock, SocketDeleter> socket);
    std::optional<LinkFacts> query_link(int ifindex, const char* name) const;
    void change_link(int ifindex, rtnl_link* changes);

    std::unique_ptr<nl_sock, SocketDeleter> socket_;
};

}  // namespace taplaunch
