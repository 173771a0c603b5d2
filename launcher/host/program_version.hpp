#pragma once
// Asking a program about itself (its version, its options), as the caller and with no
// capability, whatever taplaunch holds.

#include <chrono>
#include <optional>
#include <string>

namespace taplaunch {

// Runs `path --version` (run_program: stdin /dev/null, no fd of ours inherited, no
// capability: whatever taplaunch holds, the program holds nothing) and returns the first
// line it prints on stdout, or nullopt when it cannot run, prints nothing, or takes longer
// than two seconds (it is killed then).
std::optional<std::string> read_program_version(const std::string& path);

// Runs `path argument` the same way (host/program_output.hpp) and returns everything it
// prints on stdout, or nullopt when it cannot run, prints nothing, or does not finish within
// `limit`.
std::optional<std::string> read_program_answer(const std::string& path, const char* argument,
                                               std::chrono::milliseconds limit);

}  // namespace taplaunch
