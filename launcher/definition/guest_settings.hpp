#pragma once
// The settings of a guest definition that a profile and the command line share: each profile
// key is the long option of the same name, read by the same code.

#include "definition/guest_definition.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace taplaunch {

struct GuestSetting {
    enum class Kind {
        word,     // exactly one value (a profile line holds one shell word)
        words,    // any number of shell words (profile only: args)
        flag,     // true or false in a profile; a switch on the command line
    };
    std::string_view name;        // profile key and long option
    Kind kind;
    bool repeats;                 // may be given more than once; each adds (nic, args)
    std::string_view value_name;  // for help: "SPEC", "qemu|uml", ...
    std::string_view help;        // one line for --help
    bool on_command_line;         // args is profile-only: the command line has -- for it
    // Sets (or, for a repeating setting, adds) the value; throws DefinitionError.
    void (*apply)(GuestDefinition& guest, const std::vector<std::string>& words);
};

// Every shared setting, in the order --help lists them.
const std::vector<GuestSetting>& guest_settings();
// The setting called `name`, or nullptr.
const GuestSetting* find_guest_setting(std::string_view name);
// The names of every profile key, comma-separated, for error messages.
std::string guest_setting_names();

// Applies one setting's value to `guest`: a repeating setting adds to what is there, any other
// replaces it. Throws DefinitionError naming the setting and the fix; the caller adds where
// the value came from (a profile's file and line).
void apply_guest_setting(GuestDefinition& guest, const GuestSetting& setting,
                         const std::vector<std::string>& words);

// Parses a profile's boolean (true/false, yes/no, on/off, 1/0); throws DefinitionError.
bool parse_flag(std::string_view name, std::string_view text);

}  // namespace taplaunch
