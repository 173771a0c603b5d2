#pragma once
// FakeHostFacts: a fixed host for planning tests; nothing here reads the real machine.

#include "plan/host_facts.hpp"

#include <linux/if_tun.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace taplaunch_test {

class FakeHostFacts : public taplaunch::HostFacts {
public:
    std::map<std::string, taplaunch::LinkFacts> links;
    unsigned features = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    // Programs exec would find, by the name they are given as; other names are not found.
    std::map<std::string, std::string> programs{
        {"qemu-system-x86_64", "/usr/bin/qemu-system-x86_64"},
        {"/opt/qemu/bin/qemu-system-aarch64", "/opt/qemu/bin/qemu-system-aarch64"},
        {"linux", "/usr/bin/linux"},
        {"./linux", "./linux"},
    };
    std::set<int> inherited;
    taplaunch::ProcessIdentity process{4242, 987654};
    uid_t caller = 1000;
    std::map<std::string, uid_t> users{{"alice", 1001}, {"1002", 1002}};
    std::set<uid_t> unmapped_uids;  // uids this process's user namespace does not map
    unsigned xsave_bytes = 832;  // an AVX host: what every UML restores
    std::map<std::string, std::string> versions{{"/usr/bin/linux", "6.1.176"}};
    mutable int version_queries = 0;
    // What each QEMU binary lists in its -help, by path; others cannot be asked.
    std::map<std::string, taplaunch::QemuHelpOptions> qemu_help;
    mutable int qemu_help_queries = 0;
    std::optional<std::string> adapter = "/usr/lib/x86_64-linux-gnu/taplaunch/taplaunch-uml-xstate.so";

    // Adds a device; returns it for further changes.
    taplaunch::LinkFacts& add_link(const std::string& name, const std::string& kind,
                                   unsigned mtu = 1500)
    {
        taplaunch::LinkFacts link;
        link.ifindex = static_cast<int>(links.size()) + 2;
        link.name = name;
        link.kind = kind;
        link.mtu = mtu;
        link.up = true;
        return links[name] = link;
    }

    std::optional<taplaunch::LinkFacts> find_link(const std::string& name) const override
    {
        const auto found = links.find(name);
        if (found == links.end()) {
            return std::nullopt;
        }
        return found->second;
    }
    std::vector<taplaunch::LinkFacts> bridge_ports(int bridge_ifindex) const override
    {
        std::vector<taplaunch::LinkFacts> ports;
        for (const auto& [name, link] : links) {
            if (link.master_ifindex == bridge_ifindex) {
                ports.push_back(link);
            }
        }
        return ports;
    }
    unsigned tun_features() const override { return features; }
    std::optional<std::string> resolve_program(const std::string& program) const override
    {
        const auto found = programs.find(program);
        if (found == programs.end()) {
            return std::nullopt;
        }
        return found->second;
    }
    const std::set<int>& inherited_fds() const override { return inherited; }
    taplaunch::ProcessIdentity current_process() const override { return process; }
    uid_t caller_uid() const override { return caller; }
    std::optional<uid_t> resolve_user(const std::string& user) const override
    {
        const auto found = users.find(user);
        if (found == users.end()) {
            return std::nullopt;
        }
        return found->second;
    }
    bool uid_mapped(uid_t uid) const override { return !unmapped_uids.contains(uid); }
    unsigned xsave_area_size() const override { return xsave_bytes; }
    std::optional<std::string> program_version(const std::string& path) const override
    {
        ++version_queries;
        const auto found = versions.find(path);
        if (found == versions.end()) {
            return std::nullopt;
        }
        return found->second;
    }
    std::optional<std::string> uml_xstate_adapter() const override { return adapter; }
    std::optional<std::string> reboot_adapter = "/usr/lib/x86_64-linux-gnu/taplaunch/taplaunch-uml-reboot.so";
    std::optional<std::string> uml_reboot_adapter() const override { return reboot_adapter; }
    // The names the OVS database knows as bridges; with `ovs_problem` set, it cannot be asked.
    std::set<std::string> ovs_bridges;
    std::string ovs_problem;
    taplaunch::OvsBridgeFacts ovs_bridge(const std::string& name) const override
    {
        using Answer = taplaunch::OvsBridgeFacts::Answer;
        if (!ovs_problem.empty()) {
            return {Answer::unreachable, ovs_problem};
        }
        return {ovs_bridges.contains(name) ? Answer::bridge : Answer::not_a_bridge, ""};
    }

    std::optional<taplaunch::QemuHelpOptions> qemu_help_options(const std::string& path) const override
    {
        ++qemu_help_queries;
        const auto found = qemu_help.find(path);
        if (found == qemu_help.end()) {
            return std::nullopt;
        }
        return found->second;
    }
    bool vhost_net = false;
    bool vhost_net_available() const override { return vhost_net; }
    // taplaunch holds CAP_NET_ADMIN and nothing its caller lacks (as with an ambient
    // capability), so the bridge ACL does not apply; `elevated` makes it a file capability's.
    bool net_admin = true;
    bool elevated = false;
    gid_t caller_group = 1000;
    taplaunch::CallerPrivileges caller_privileges() const override
    {
        return {caller, caller_group, net_admin, elevated};
    }
    // The ACL's files by path (and groups, root's where not given); a path not here does not
    // exist.
    std::map<std::string, std::string> acl_files;
    std::map<std::string, gid_t> acl_groups;
    std::string acl_path = "/etc/taplaunch/bridge.conf";
    mutable int acl_reads = 0;
    taplaunch::BridgeAcl bridge_acl() const override
    {
        ++acl_reads;
        return taplaunch::parse_bridge_acl(acl_path, [this](const std::string& path) {
            const auto found = acl_files.find(path);
            if (found == acl_files.end()) {
                return std::optional<taplaunch::AclFileContents>();
            }
            const auto group = acl_groups.find(path);
            return std::optional(taplaunch::AclFileContents{
                found->second, group == acl_groups.end() ? 0 : group->second});
        });
    }
};

}  // namespace taplaunch_test
