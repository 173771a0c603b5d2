#pragma once
// CommandLine: taplaunch's options and arguments, combined with a profile into a definition.

#include "definition/guest_definition.hpp"

#include <functional>
#include <string>
#include <vector>

namespace taplaunch {

struct CommandLine {
    enum class Action { run, help, version };
    Action action = Action::run;
    GuestDefinition guest;
    bool dry_run = false;  // print the host changes and the argv, change nothing
    bool json = false;     // with dry_run: the plan as JSON
    bool verbose = false;  // log each host change to stderr as it happens
    bool quiet = false;    // print only errors
    std::string help_text;
};

// The text of the profile at `path`, for --profile (host/definition_files.hpp reads files;
// tests hand in text). Throws DefinitionError when it cannot be read.
using ProfileReader = std::function<std::string(const std::string& path)>;

// Parses argv (without argv[0]). Options come before "--"; after it, the emulator and its
// arguments (or, with a profile that names the emulator, extra arguments). A profile's
// values, got through `read_profile`, come first; options add NICs and override the scalars.
// Throws DefinitionError.
CommandLine parse_command_line(const std::vector<std::string>& args,
                               const ProfileReader& read_profile = {});

}  // namespace taplaunch
