#include "host/proc_files.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string_view>

namespace taplaunch {

namespace {

struct DirectoryCloser {
    void operator()(DIR* directory) const { ::closedir(directory); }
};
using DirectoryHandle = std::unique_ptr<DIR, DirectoryCloser>;

std::optional<int> decimal(std::string_view text)
{
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

// Every decimal entry of `directory`, less the fd the listing itself used.
std::vector<int> list_numeric(const char* directory, bool skip_own_fd)
{
    std::vector<int> entries;
    const DirectoryHandle listing(::opendir(directory));
    if (!listing) {
        return entries;
    }
    const int own_fd = ::dirfd(listing.get());
    while (const dirent* entry = ::readdir(listing.get())) {
        const auto number = decimal(entry->d_name);
        if (number && !(skip_own_fd && *number == own_fd)) {
            entries.push_back(*number);
        }
    }
    return entries;
}

}  // namespace

std::optional<ProcStat> read_proc_stat(pid_t pid)
{
    std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!std::getline(stat_file, stat)) {
        return std::nullopt;
    }
    // Field 2 (comm) may hold spaces and parentheses: count fields after the last ')'.
    const std::size_t comm_end = stat.rfind(')');
    if (comm_end == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream fields(stat.substr(comm_end + 1));
    std::vector<std::string> words;
    for (std::string word; words.size() < 49 && fields >> word;) {
        words.push_back(std::move(word));
    }
    if (words.size() < 20 || words[0].size() != 1) {
        return std::nullopt;
    }
    // words[0] is field 3.
    ProcStat result;
    result.state = words[0][0];
    const std::string& parent = words[1];
    const std::string& start = words[19];
    if (std::from_chars(parent.data(), parent.data() + parent.size(), result.parent).ec !=
            std::errc() ||
        std::from_chars(start.data(), start.data() + start.size(), result.start_time).ec !=
            std::errc()) {
        return std::nullopt;
    }
    // Fields 50 and 51, where the kernel shows them (to the process itself, or one that may
    // trace it; 0 otherwise).
    if (words.size() >= 49) {
        const std::string& env_start = words[47];
        const std::string& env_end = words[48];
        if (std::from_chars(env_start.data(), env_start.data() + env_start.size(), result.env_start)
                    .ec != std::errc() ||
            std::from_chars(env_end.data(), env_end.data() + env_end.size(), result.env_end).ec !=
                std::errc()) {
            result.env_start = result.env_end = 0;
        }
    }
    return result;
}

std::vector<int> numeric_entries(const std::string& directory)
{
    return list_numeric(directory.c_str(), false);
}

std::set<int> list_open_fds()
{
    std::set<int> fds;
    for (const int fd : list_numeric("/proc/self/fd", true)) {
        if (fd > 2) {
            fds.insert(fd);
        }
    }
    return fds;
}

std::optional<unsigned long long> own_pid_namespace()
{
    // /proc/self names this process by its PID in the namespace /proc belongs to.
    char self[32] = {};
    const ssize_t length = ::readlink("/proc/self", self, sizeof self - 1);
    if (length <= 0 || decimal(std::string_view(self, static_cast<std::size_t>(length))) != ::getpid()) {
        return std::nullopt;
    }
    struct stat namespace_file {};
    if (::stat("/proc/self/ns/pid", &namespace_file) != 0) {
        return std::nullopt;
    }
    return static_cast<unsigned long long>(namespace_file.st_ino);
}

std::optional<ProcessIdentity> read_process_identity(pid_t pid)
{
    const auto stat = read_proc_stat(pid);
    if (!stat) {
        return std::nullopt;
    }
    return ProcessIdentity{pid, stat->start_time, own_pid_namespace()};
}

std::string read_process_name(pid_t pid)
{
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(comm, name);
    return name;
}

bool process_is_running(const ProcessIdentity& identity)
{
    if (identity.pid_namespace && identity.pid_namespace != own_pid_namespace()) {
        return true;
    }
    const auto stat = read_proc_stat(identity.pid);
    return stat && stat->start_time == identity.start_time && stat->state != 'Z' &&
           stat->state != 'X' && stat->state != 'x';
}

namespace {

// The network namespace /proc/PID/ns/net names ("net:[INODE]"), or "" where it cannot be read.
std::string network_namespace_of(const std::string& process)
{
    char target[64] = {};
    const ssize_t length = ::readlink((process + "/ns/net").c_str(), target, sizeof target - 1);
    return length > 0 ? std::string(target, static_cast<std::size_t>(length)) : std::string();
}

}  // namespace

std::map<std::string, int> tap_holders()
{
    // TAPs in other network namespaces may have the same names: a holder in this namespace
    // wins over one elsewhere (or one whose namespace cannot be read), which still counts.
    const std::string own_namespace = network_namespace_of("/proc/self");
    std::map<std::string, int> holders;
    std::map<int, bool> in_own_namespace;
    const auto is_local = [&](int pid, const std::string& process) {
        const auto known = in_own_namespace.find(pid);
        if (known != in_own_namespace.end()) {
            return known->second;
        }
        const std::string ns = network_namespace_of(process);
        return in_own_namespace[pid] = !ns.empty() && ns == own_namespace;
    };
    for (const int pid : numeric_entries("/proc")) {
        const std::string process = "/proc/" + std::to_string(pid);
        for (const int fd : numeric_entries(process + "/fd")) {
            char target[64] = {};
            const ssize_t length = ::readlink((process + "/fd/" + std::to_string(fd)).c_str(),
                                              target, sizeof target - 1);
            if (length <= 0 ||
                std::string_view(target, static_cast<std::size_t>(length)) != "/dev/net/tun") {
                continue;
            }
            std::ifstream fdinfo(process + "/fdinfo/" + std::to_string(fd));
            for (std::string line; std::getline(fdinfo, line);) {
                if (line.starts_with("iff:")) {
                    const std::size_t name = line.find_first_not_of(" \t", 4);
                    if (name != std::string::npos) {
                        const auto [holder, added] = holders.emplace(line.substr(name), pid);
                        if (!added && !is_local(holder->second, "/proc/" + std::to_string(holder->second)) &&
                            is_local(pid, process)) {
                            holder->second = pid;
                        }
                    }
                }
            }
        }
    }
    return holders;
}

std::vector<UidMapping> read_own_uid_map()
{
    std::vector<UidMapping> mappings;
    std::ifstream map_file("/proc/self/uid_map");
    UidMapping mapping;
    while (map_file >> mapping.inside >> mapping.outside >> mapping.count) {
        mappings.push_back(mapping);
    }
    return mappings;
}

bool uid_is_mapped(uid_t uid)
{
    const std::vector<UidMapping> mappings = read_own_uid_map();
    if (mappings.empty()) {
        return true;
    }
    for (const UidMapping& mapping : mappings) {
        if (uid >= mapping.inside && uid - mapping.inside < mapping.count) {
            return true;
        }
    }
    return false;
}

bool in_child_user_namespace()
{
    const std::vector<UidMapping> mappings = read_own_uid_map();
    constexpr unsigned long every_uid = 4294967295UL;
    return !mappings.empty() &&
           !(mappings.size() == 1 && mappings[0].inside == 0 && mappings[0].outside == 0 &&
             mappings[0].count == every_uid);
}

}  // namespace taplaunch
