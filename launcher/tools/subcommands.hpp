#pragma once
// taplaunch's subcommands (`taplaunch gc ...`): each a name, a line for help, and a function
// that takes the words after the name and returns the exit status.

#include <string>
#include <string_view>
#include <vector>

namespace taplaunch {

struct Subcommand {
    std::string_view name;
    std::string_view usage;  // "taplaunch gc [--dry-run]"
    std::string_view summary;
    int (*run)(const std::vector<std::string>& args);
};

// Every subcommand, in the order help lists them.
const std::vector<Subcommand>& subcommands();
// The subcommand called `name`, or nullptr.
const Subcommand* find_subcommand(std::string_view name);

}  // namespace taplaunch
