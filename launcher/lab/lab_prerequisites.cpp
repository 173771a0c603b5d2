#include "lab/lab_prerequisites.hpp"

#include "host/program_output.hpp"
#include "launch_error.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <optional>

namespace taplaunch {

namespace {

const std::vector<std::string> system_directories = {"/usr/sbin", "/sbin", "/usr/bin", "/bin"};

std::string need_program(const std::string& program, const std::string& why, const std::string& package)
{
    if (const auto path = find_program(program, system_directories)) {
        return *path;
    }
    throw HostError("lab: " + why + " needs " + program +
                    ", which is not installed (Debian, Ubuntu: apt-get install " + package + ")");
}

// The first word of a sysctl file, nullopt when the kernel has no such file.
std::optional<std::string> read_sysctl(const std::string& path)
{
    std::ifstream file(path);
    std::string value;
    if (!(file >> value)) {
        return std::nullopt;
    }
    return value;
}

// The sysctl that forbids unprivileged user namespaces, as "name=value (fix)", if one does.
std::optional<std::string> forbidding_sysctl()
{
    if (read_sysctl("/proc/sys/kernel/unprivileged_userns_clone") == std::optional<std::string>("0")) {
        return "kernel.unprivileged_userns_clone=0 forbids them (as root: sysctl -w "
               "kernel.unprivileged_userns_clone=1)";
    }
    if (read_sysctl("/proc/sys/user/max_user_namespaces") == std::optional<std::string>("0")) {
        return "user.max_user_namespaces=0 forbids them (as root: sysctl -w "
               "user.max_user_namespaces=10000)";
    }
    if (read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") ==
        std::optional<std::string>("1")) {
        return "kernel.apparmor_restrict_unprivileged_userns=1 (Ubuntu 23.10 and later) gives "
               "them no privileges (as root: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, "
               "or an AppArmor profile for taplaunch with the 'userns,' rule)";
    }
    return std::nullopt;
}

}  // namespace

std::string user_namespace_refusal(int errnum)
{
    if (const auto sysctl = forbidding_sysctl()) {
        return "lab: cannot create a user namespace: " + *sysctl;
    }
    return "lab: cannot create a user namespace: " + errno_text(errnum) +
           " (no sysctl forbids them, so the process is confined: a container runtime's seccomp "
           "profile or a sandbox; run the job where user namespaces are allowed (docker: "
           "--security-opt seccomp=unconfined, podman: the default), or run taplaunch lab as root)";
}

LabPrograms check_lab_prerequisites(const LabSettings& settings, bool as_root)
{
    LabPrograms programs;
    programs.ip = need_program("ip", "a lab", "iproute2");
    if (settings.outbound) {
        programs.pasta = need_program("pasta", "--outbound", "passt");
        programs.nft = need_program("nft", "--outbound", "nftables");
    }
    if (settings.dhcp) {
        programs.dnsmasq = need_program("dnsmasq", "--dhcp", "dnsmasq-base");
        struct stat state {};
        if (::stat(lab_state_directory, &state) != 0 || !S_ISDIR(state.st_mode)) {
            throw HostError(std::string("lab: --dhcp keeps dnsmasq's leases on a tmpfs of the lab's own "
                                        "mounted on ") +
                            lab_state_directory + ", which does not exist (as root: mkdir -p " +
                            lab_state_directory + ")");
        }
    }
    if (!as_root) {
        if (::access("/dev/net/tun", R_OK | W_OK) != 0) {
            struct stat tun {};
            const std::string mode =
                ::stat("/dev/net/tun", &tun) == 0
                    ? "it is mode 0" + [&] {
                          char octal[8];
                          std::snprintf(octal, sizeof octal, "%o", tun.st_mode & 07777);
                          return std::string(octal);
                      }()
                    : "it does not exist";
            throw HostError("lab: uid " + std::to_string(::getuid()) +
                            " cannot open /dev/net/tun (" + mode +
                            "), which the lab's guests" + (settings.outbound ? " and pasta" : "") +
                            " need (as root: chmod 0666 /dev/net/tun, the mode most distributions "
                            "give it; udev: KERNEL==\"tun\", MODE=\"0666\")");
        }
        if (const auto sysctl = forbidding_sysctl()) {
            throw HostError("lab: an ordinary user's lab needs a user namespace, and " + *sysctl);
        }
    }
    return programs;
}

}  // namespace taplaunch
