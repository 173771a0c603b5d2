#pragma once
// SystemHostFacts: HostFacts read from this machine (netlink, /dev/net/tun, PATH, /proc).

#include "host_facts.hpp"
#include "netlink_socket.hpp"

#include <optional>
#include <set>

namespace taplaunch {

// The fds open in this process besides 0, 1 and 2; call it first thing in main.
std::set<int> list_open_fds();

class SystemHostFacts : public HostFacts {
public:
    SystemHostFacts(const NetlinkSocket& netlink, std::set<int> inherited_fds);
    std::optional<LinkFacts> find_link(const std::string& name) const override;
    unsigned tun_features() const override;
    std::optional<std::string> resolve_program(const std::string& program) const override;
    const std::set<int>& inherited_fds() const override;
    ProcessIdentity current_process() const override;
    uid_t caller_uid() const override;
    std::optional<uid_t> resolve_user(const std::string& user) const override;

private:
    const NetlinkSocket& netlink_;
    std::set<int> inherited_fds_;
    mutable std::optional<unsigned> tun_features_;
};

}  // namespace taplaunch
