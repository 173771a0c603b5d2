#include "proc_files.hpp"

#include <dirent.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace taplaunch {

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
    for (std::string word; fields >> word && words.size() < 20;) {
        words.push_back(std::move(word));
    }
    if (words.size() < 20) {
        return std::nullopt;
    }
    // words[0] is field 3.
    ProcStat result;
    const std::string& parent = words[1];
    const std::string& start = words[19];
    if (std::from_chars(parent.data(), parent.data() + parent.size(), result.parent).ec !=
            std::errc() ||
        std::from_chars(start.data(), start.data() + start.size(), result.start_time).ec !=
            std::errc()) {
        return std::nullopt;
    }
    return result;
}

std::vector<std::string> numeric_entries(const std::string& directory)
{
    std::vector<std::string> entries;
    DIR* listing = ::opendir(directory.c_str());
    if (!listing) {
        return entries;
    }
    while (const dirent* entry = ::readdir(listing)) {
        if (entry->d_name[0] >= '0' && entry->d_name[0] <= '9') {
            entries.emplace_back(entry->d_name);
        }
    }
    ::closedir(listing);
    return entries;
}

}  // namespace taplaunch
