#pragma once
// The cache of what each QEMU binary lists in its -help: one file per binary in the caller's
// cache directory, valid while the binary at that path is the same file, unchanged.

#include "emulators/qemu_help_options.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace taplaunch {

// What tells one binary from another at a path: a package upgrade, a rebuild or another
// file renamed into place changes at least one of these.
struct BinaryIdentity {
    std::string path;
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_seconds = 0;
    std::int64_t mtime_nanoseconds = 0;
    bool operator==(const BinaryIdentity&) const = default;
};

// stat(2) of `path` (following links, as exec does), or nullopt when there is nothing there.
std::optional<BinaryIdentity> identify_binary(const std::string& path);

// $XDG_CACHE_HOME/taplaunch, else $HOME/.cache/taplaunch, read with secure_getenv: nullopt
// when taplaunch runs in secure mode (a file capability; the caller's environment is hidden
// and no cache is kept) or neither is set.
std::optional<std::string> caller_cache_directory();

// The cache file for the binary at `binary_path` in `directory`.
std::string qemu_option_cache_file(const std::string& directory, const std::string& binary_path);

// The cache file's text for `options` of `binary`, and back; parse gives nullopt for text
// that is not a whole entry of this format or that belongs to another binary identity.
std::string format_qemu_option_cache(const BinaryIdentity& binary, const QemuHelpOptions& options);
std::optional<QemuHelpOptions> parse_qemu_option_cache(std::string_view text,
                                                       const BinaryIdentity& binary);

// Writes `contents` to `path` through a temporary file in the same directory and rename(2),
// so a reader sees the old file or the new one, never a part. Returns false on failure
// (leaving no temporary file behind).
bool write_file_atomically(const std::string& path, std::string_view contents);

// The options of the binary at `path`: from its cache file in `cache_directory` when that
// file holds an entry for this binary; else from `ask`, then written to the cache (the
// directory made if missing; a cache that cannot be written is skipped). Without a cache
// directory, or when `path` cannot be stat'ed, just `ask`.
std::optional<QemuHelpOptions> cached_qemu_options(
    const std::string& path, const std::optional<std::string>& cache_directory,
    const std::function<std::optional<QemuHelpOptions>()>& ask);

}  // namespace taplaunch
