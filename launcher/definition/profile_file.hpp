#pragma once
// ProfileFile: a guest definition stored as INI, keyed by the long option names.

#include <optional>
#include <string>
#include <vector>

namespace taplaunch {

struct ProfileFile {
    std::string stem;                   // the file name without directory and extension
    std::optional<std::string> name;
    std::optional<std::string> emulator;
    std::optional<std::string> emulator_kind;
    std::vector<std::string> args;      // every args= line, split as a POSIX shell would
    std::vector<std::string> nics;      // every nic= line, in order
    std::optional<std::string> uml_transport;
    std::optional<bool> supervise;
    std::optional<std::string> owner;
};

// Reads and checks a profile. Throws DefinitionError naming the file, the line and the fix.
ProfileFile read_profile_file(const std::string& path);

}  // namespace taplaunch
