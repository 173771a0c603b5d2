#include "host/system_host_facts.hpp"

#include "host/capabilities.hpp"
#include "host/definition_files.hpp"
#include "host/ovs_database.hpp"
#include "host/proc_files.hpp"
#include "host/program_output.hpp"
#include "host/program_version.hpp"
#include "host/qemu_option_cache.hpp"
#include "install_paths.hpp"
#include "host/tun_device.hpp"
#include "launch_error.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <cstdlib>
#include <string_view>

namespace taplaunch {

SystemHostFacts::SystemHostFacts(const NetlinkSocket& netlink, std::set<int> inherited_fds)
    : netlink_(netlink), inherited_fds_(std::move(inherited_fds))
{
}

std::optional<LinkFacts> SystemHostFacts::find_link(const std::string& name) const
{
    // Planning asks for the same bridge once a NIC: one look-up each is enough, since these
    // facts describe the host as planning found it.
    const auto known = links_.find(name);
    if (known != links_.end()) {
        return known->second;
    }
    return links_[name] = netlink_.find_link(name);
}

std::vector<LinkFacts> SystemHostFacts::bridge_ports(int bridge_ifindex) const
{
    const auto known = ports_.find(bridge_ifindex);
    if (known != ports_.end()) {
        return known->second;
    }
    return ports_[bridge_ifindex] = netlink_.list_ports(bridge_ifindex);
}

unsigned SystemHostFacts::tun_features() const
{
    if (!tun_features_) {
        tun_features_ = read_tun_features();
    }
    return *tun_features_;
}

std::optional<std::string> SystemHostFacts::resolve_program(const std::string& program) const
{
    return find_program(program);
}

const std::set<int>& SystemHostFacts::inherited_fds() const
{
    return inherited_fds_;
}

ProcessIdentity SystemHostFacts::current_process() const
{
    errno = 0;
    const auto identity = read_process_identity(::getpid());
    if (!identity) {
        const int error = errno;
        if (error == EMFILE || error == ENFILE) {
            throw HostError("cannot read /proc/self/stat: " + errno_text(error) +
                            " (raise the limit of open files, e.g. ulimit -n 1024)");
        }
        throw HostError("cannot read /proc/self/stat (is /proc mounted?)");
    }
    return *identity;
}

uid_t SystemHostFacts::caller_uid() const
{
    return ::getuid();
}

std::optional<uid_t> SystemHostFacts::resolve_user(const std::string& user) const
{
    uid_t uid = 0;
    const auto [end, error] = std::from_chars(user.data(), user.data() + user.size(), uid);
    if (error == std::errc() && end == user.data() + user.size() && !user.empty()) {
        return uid;
    }
    if (const passwd* entry = ::getpwnam(user.c_str())) {
        return entry->pw_uid;
    }
    return std::nullopt;
}

bool SystemHostFacts::uid_mapped(uid_t uid) const
{
    return uid_is_mapped(uid);
}

unsigned SystemHostFacts::xsave_area_size() const
{
#if defined(__x86_64__) || defined(__i386__)
    // CPUID leaf 0xD, sub-leaf 0: EBX is the size of the XSAVE area for the features enabled
    // in XCR0, the size the kernel's XSTATE regset has.
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid_max(0, nullptr) < 0xd || !__get_cpuid_count(0xd, 0, &eax, &ebx, &ecx, &edx)) {
        return 0;
    }
    return ebx;
#else
    return 0;
#endif
}

std::optional<std::string> SystemHostFacts::program_version(const std::string& path) const
{
    // Asked once per program: the transport check and the XSTATE rule both want UML's.
    const auto known = versions_.find(path);
    if (known != versions_.end()) {
        return known->second;
    }
    return versions_[path] = read_program_version(path);
}

OvsBridgeFacts SystemHostFacts::ovs_bridge(const std::string& name) const
{
    const auto known = ovs_bridges_.find(name);
    if (known != ovs_bridges_.end()) {
        return known->second;
    }
    return ovs_bridges_[name] = query_ovs_bridge(name);
}

std::optional<QemuHelpOptions> SystemHostFacts::qemu_help_options(const std::string& path) const
{
    // Under load QEMU takes a good part of a second to print its help (it loads its modules).
    constexpr auto limit = std::chrono::seconds(10);
    return cached_qemu_options(path, caller_cache_directory(), [&]() -> std::optional<QemuHelpOptions> {
        const std::optional<std::string> text = read_program_answer(path, "-help", limit);
        if (!text) {
            return std::nullopt;
        }
        return parse_qemu_help(*text);
    });
}

namespace {

// A library of taplaunch's: next to the binary first (a build tree), then where the install
// put it.
std::optional<std::string> find_own_library(const char* name, const char* install_path)
{
    std::error_code ignored;
    const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", ignored);
    for (const std::filesystem::path& candidate :
         {executable.parent_path() / name, std::filesystem::path(install_path)}) {
        if (!candidate.empty() && candidate.is_absolute() &&
            std::filesystem::is_regular_file(candidate, ignored)) {
            return candidate.string();
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> SystemHostFacts::uml_xstate_adapter() const
{
    return find_own_library(uml_xstate_adapter_name, uml_xstate_adapter_install_path);
}

std::optional<std::string> SystemHostFacts::uml_reboot_adapter() const
{
    return find_own_library(uml_reboot_adapter_name, uml_reboot_adapter_install_path);
}

bool SystemHostFacts::vhost_net_available() const
{
    if (!vhost_net_available_) {
        vhost_net_available_ = ::access("/dev/vhost-net", R_OK | W_OK) == 0;
    }
    return *vhost_net_available_;
}

CallerPrivileges SystemHostFacts::caller_privileges() const
{
    if (!caller_privileges_) {
        caller_privileges_ = read_caller_privileges();
    }
    return *caller_privileges_;
}

BridgeAcl SystemHostFacts::bridge_acl() const
{
    // Through a pointer the optimizer does not follow, so that the binary holds the path whole
    // (for anyone who looks, such as the man page check), not pieces of an inlined copy.
    const char* volatile path = bridge_acl_path;
    return parse_bridge_acl(path, read_bridge_acl_file);
}

}  // namespace taplaunch
