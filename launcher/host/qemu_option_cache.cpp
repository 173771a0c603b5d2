#include "host/qemu_option_cache.hpp"

#include "host/unique_fd.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace taplaunch {

namespace {

// The first line of every cache file; a new format (or a new reading of -help) takes a new
// number, and files of the old one are rewritten.
constexpr std::string_view cache_format = "taplaunch-qemu-options 1";
constexpr std::string_view end_line = "end";

std::uint64_t fnv1a_64(std::string_view text)
{
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::string identity_line(const BinaryIdentity& binary)
{
    return "identity " + std::to_string(binary.device) + " " + std::to_string(binary.inode) +
           " " + std::to_string(binary.size) + " " + std::to_string(binary.mtime_seconds) + " " +
           std::to_string(binary.mtime_nanoseconds);
}

bool write_all(int fd, std::string_view contents)
{
    while (!contents.empty()) {
        const ssize_t written = ::write(fd, contents.data(), contents.size());
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            return false;
        }
        contents.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

std::optional<std::string> read_whole_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

std::optional<BinaryIdentity> identify_binary(const std::string& path)
{
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) {
        return std::nullopt;
    }
    return BinaryIdentity{path,
                          static_cast<std::uint64_t>(status.st_dev),
                          static_cast<std::uint64_t>(status.st_ino),
                          static_cast<std::uint64_t>(status.st_size),
                          static_cast<std::int64_t>(status.st_mtim.tv_sec),
                          static_cast<std::int64_t>(status.st_mtim.tv_nsec)};
}

std::optional<std::string> caller_cache_directory()
{
    if (const char* cache_home = ::secure_getenv("XDG_CACHE_HOME");
        cache_home != nullptr && cache_home[0] == '/') {
        return std::string(cache_home) + "/taplaunch";
    }
    if (const char* home = ::secure_getenv("HOME"); home != nullptr && home[0] == '/') {
        return std::string(home) + "/.cache/taplaunch";
    }
    return std::nullopt;
}

std::string qemu_option_cache_file(const std::string& directory, const std::string& binary_path)
{
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx",
                  static_cast<unsigned long long>(fnv1a_64(binary_path)));
    const std::string name = std::filesystem::path(binary_path).filename().string();
    return directory + "/" + name + "." + hash + ".qemu-options";
}

std::string format_qemu_option_cache(const BinaryIdentity& binary, const QemuHelpOptions& options)
{
    std::string text = std::string(cache_format) + "\n";
    text += "path " + binary.path + "\n";
    text += identity_line(binary) + "\n";
    text += "version " + options.version + "\n";
    for (const auto& [name, takes_value] : options.takes_value) {
        text += "option " + name + (takes_value ? " 1" : " 0") + "\n";
    }
    text += std::string(end_line) + "\n";
    return text;
}

std::optional<QemuHelpOptions> parse_qemu_option_cache(std::string_view text,
                                                       const BinaryIdentity& binary)
{
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t newline = text.find('\n');
        if (newline == std::string_view::npos) {
            return std::nullopt;  // every line of a whole file ends in a newline
        }
        lines.push_back(text.substr(0, newline));
        text.remove_prefix(newline + 1);
    }
    if (lines.size() < 5 || lines[0] != cache_format || lines[1] != "path " + binary.path ||
        lines[2] != identity_line(binary) || !lines[3].starts_with("version ") ||
        lines.back() != end_line) {
        return std::nullopt;
    }
    QemuHelpOptions options;
    options.version = std::string(lines[3].substr(std::string_view("version ").size()));
    for (std::size_t i = 4; i + 1 < lines.size(); ++i) {
        const std::string_view line = lines[i];
        constexpr std::string_view prefix = "option ";
        if (!line.starts_with(prefix) || line.size() < prefix.size() + 3 ||
            line[line.size() - 2] != ' ' || (line.back() != '0' && line.back() != '1')) {
            return std::nullopt;
        }
        const std::string_view name = line.substr(prefix.size(), line.size() - prefix.size() - 2);
        if (name.empty() || name.find(' ') != std::string_view::npos) {
            return std::nullopt;
        }
        options.takes_value[std::string(name)] = line.back() == '1';
    }
    if (options.takes_value.empty()) {
        return std::nullopt;
    }
    return options;
}

bool write_file_atomically(const std::string& path, std::string_view contents)
{
    const std::filesystem::path target(path);
    std::string temporary =
        (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
    UniqueFd fd(::mkostemp(temporary.data(), O_CLOEXEC));
    if (!fd.valid()) {
        return false;
    }
    const bool written = write_all(fd.get(), contents) && ::fchmod(fd.get(), 0644) == 0;
    fd.reset();
    if (!written || ::rename(temporary.c_str(), path.c_str()) != 0) {
        ::unlink(temporary.c_str());
        return false;
    }
    return true;
}

std::optional<QemuHelpOptions> cached_qemu_options(
    const std::string& path, const std::optional<std::string>& cache_directory,
    const std::function<std::optional<QemuHelpOptions>()>& ask)
{
    const std::optional<BinaryIdentity> binary = identify_binary(path);
    if (!cache_directory || !binary) {
        return ask();
    }
    const std::string file = qemu_option_cache_file(*cache_directory, path);
    if (const auto text = read_whole_file(file)) {
        if (auto options = parse_qemu_option_cache(*text, *binary)) {
            return options;
        }
    }
    std::optional<QemuHelpOptions> options = ask();
    if (!options || options->takes_value.empty()) {
        return options;
    }
    // The binary may have changed while it was asked: cache the answer only for the file
    // that gave it.
    if (identify_binary(path) == binary) {
        std::error_code ignored;
        std::filesystem::create_directories(*cache_directory, ignored);
        write_file_atomically(file, format_qemu_option_cache(*binary, *options));
    }
    return options;
}

}  // namespace taplaunch
