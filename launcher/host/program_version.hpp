#pragma once
// Asking a program about itself (its version, its options), as the caller and with no
// capability, whatever taplaunch holds.

#include <chrono>
#include <optional>
#include <string>

namespace taplaunch {

// Runs `path --version` (stdin /dev/null, stderr discarded, no fd of ours inherited, no
// capability: whatever taplaunch holds, the program holds nothing) and
// returns the first line it prints, or nullopt when it cannot run, prints nothing, or takes
// longer than two seconds (it is killed then).
std::optional<std::string> read_program_version(const std::string& path);

// Runs `path argument` the same way and returns everything it prints on stdout (at most
// 1 MiB), or nullopt when it cannot run, prints nothing, prints more, or does not finish
// printing within `limit`.
std::optional<std::string> read_program_answer(const std::string& path, const char* argument,
                                               std::chrono::milliseconds limit);

}  // namespace taplaunch
