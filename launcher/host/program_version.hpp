#pragma once
// Asking a program for its version.

#include <optional>
#include <string>

namespace taplaunch {

// Runs `path --version` (run_program: stdin /dev/null, no fd of ours inherited, no
// capability: whatever taplaunch holds, the program holds nothing) and returns the first
// line it prints on stdout, or nullopt when it cannot run, prints nothing, or takes longer
// than two seconds (it is killed then).
std::optional<std::string> read_program_version(const std::string& path);

}  // namespace taplaunch
