#pragma once
// HostFacts: what planning reads from the host, behind an interface so that planning stays a
// pure function (tests give it a fixed host; a real run gives it netlink and /dev/net/tun).

#include "definition/bridge_acl.hpp"
#include "emulators/qemu_help_options.hpp"
#include "plan/caller_privileges.hpp"
#include "plan/link_facts.hpp"
#include "plan/ovs_port_plan.hpp"
#include "plan/owner_record.hpp"

#include <sys/types.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace taplaunch {

class HostFacts {
public:
    virtual ~HostFacts() = default;
    // The device of that name in this network namespace, or nullopt.
    virtual std::optional<LinkFacts> find_link(const std::string& name) const = 0;
    // The devices attached to the bridge `bridge_ifindex` (its ports), in no particular order.
    virtual std::vector<LinkFacts> bridge_ports(int bridge_ifindex) const = 0;
    // The TUNGETFEATURES flags of /dev/net/tun (IFF_TAP, IFF_VNET_HDR, ...).
    virtual unsigned tun_features() const = 0;
    // The path exec would run for `program` (searching PATH when it has no '/'), or nullopt.
    virtual std::optional<std::string> resolve_program(const std::string& program) const = 0;
    // File descriptors the caller handed to taplaunch (open at start, besides 0, 1, 2): they
    // pass to the emulator untouched, so TAP fds take other numbers.
    virtual const std::set<int>& inherited_fds() const = 0;
    // This process, as recorded in the persistent TAPs it creates.
    virtual ProcessIdentity current_process() const = 0;
    // The real uid of the caller, the default owner of persistent TAPs.
    virtual uid_t caller_uid() const = 0;
    // A user name or numeric uid as a uid, or nullopt if there is no such user.
    virtual std::optional<uid_t> resolve_user(const std::string& user) const = 0;
    // Whether `uid` is mapped in this process's user namespace, so it can own a TAP (in a
    // namespace of `unshare -Ur`, only uid 0 is).
    virtual bool uid_mapped(uid_t uid) const = 0;
    // The size in bytes of this CPU's XSAVE area for the features the kernel enabled (what
    // PTRACE_SETREGSET NT_X86_XSTATE takes); 0 where there is none (not x86).
    virtual unsigned xsave_area_size() const = 0;
    // The first line `path --version` prints (UML prints its kernel version), or nullopt.
    virtual std::optional<std::string> program_version(const std::string& path) const = 0;
    // Whether /dev/vhost-net can be opened for reading and writing (QEMU's vhost-net).
    virtual bool vhost_net_available() const = 0;
    // The path of taplaunch's UML XSTATE adapter library, or nullopt when it is not installed.
    virtual std::optional<std::string> uml_xstate_adapter() const = 0;
    // Who runs taplaunch, and whether taplaunch holds more than they do.
    virtual CallerPrivileges caller_privileges() const = 0;
    // The bridge ACL (its path fixed when taplaunch was built, never taken from the caller).
    // Throws DefinitionError naming the file and line when it cannot be used.
    virtual BridgeAcl bridge_acl() const = 0;
    // The path of taplaunch's UML reboot adapter library, or nullopt when it is not installed.
    virtual std::optional<std::string> uml_reboot_adapter() const = 0;
    // The options the QEMU binary at `path` lists in `path -help` (run with no capability),
    // or nullopt when it cannot be asked.
    virtual std::optional<QemuHelpOptions> qemu_help_options(const std::string& path) const = 0;
    // Whether the Open vSwitch database has a bridge of that name (asked only for a device
    // that netlink shows as tun or openvswitch, which is what an OVS bridge looks like there).
    virtual OvsBridgeFacts ovs_bridge(const std::string& name) const = 0;
};

}  // namespace taplaunch
