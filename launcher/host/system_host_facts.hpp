#pragma once
// SystemHostFacts: HostFacts read from this machine (netlink, /dev/net/tun, PATH, /proc).

#include "host/netlink_socket.hpp"
#include "plan/host_facts.hpp"

#include <map>
#include <optional>
#include <set>

namespace taplaunch {

// Reads links through `netlink`, which it borrows: the socket must outlive these facts, and
// its owner decides when it closes.
class SystemHostFacts : public HostFacts {
public:
    SystemHostFacts(const NetlinkSocket& netlink, std::set<int> inherited_fds);
    std::optional<LinkFacts> find_link(const std::string& name) const override;
    std::vector<LinkFacts> bridge_ports(int bridge_ifindex) const override;
    unsigned tun_features() const override;
    std::optional<std::string> resolve_program(const std::string& program) const override;
    const std::set<int>& inherited_fds() const override;
    ProcessIdentity current_process() const override;
    uid_t caller_uid() const override;
    std::optional<uid_t> resolve_user(const std::string& user) const override;
    bool uid_mapped(uid_t uid) const override;
    unsigned xsave_area_size() const override;
    std::optional<std::string> program_version(const std::string& path) const override;
    std::optional<QemuHelpOptions> qemu_help_options(const std::string& path) const override;
    std::optional<std::string> uml_xstate_adapter() const override;
    std::optional<std::string> uml_reboot_adapter() const override;
    bool vhost_net_available() const override;
    CallerPrivileges caller_privileges() const override;
    BridgeAcl bridge_acl() const override;
    OvsBridgeFacts ovs_bridge(const std::string& name) const override;

private:
    const NetlinkSocket& netlink_;
    std::set<int> inherited_fds_;
    mutable std::optional<unsigned> tun_features_;
    mutable std::map<std::string, std::optional<LinkFacts>> links_;  // by name, as first read
    mutable std::map<int, std::vector<LinkFacts>> ports_;           // by bridge, as first read
    mutable std::optional<bool> vhost_net_available_;
    mutable std::optional<CallerPrivileges> caller_privileges_;
    mutable std::map<std::string, std::optional<std::string>> versions_;  // by program path
    mutable std::map<std::string, OvsBridgeFacts> ovs_bridges_;  // by name, as first asked
};

}  // namespace taplaunch
