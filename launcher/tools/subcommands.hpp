#pragma once
// taplaunch's subcommands (`taplaunch gc ...`): each a row of the table, from which their
// usage lines, their --help and the parsing of their arguments (Boost.Program_options, as for
// the main command line) all come.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace taplaunch {

// What a subcommand was given, once its table row has parsed it.
struct SubcommandArguments {
    std::vector<std::string> flags;      // the long names of the flags given ("dry-run")
    std::map<std::string, std::string> values;  // the options given with a value ("timeout")
    std::optional<std::string> operand;  // the operand (doctor's BRIDGE), when it takes one
    std::vector<std::string> command;    // the words after "--", for a row that takes them
    // Whether the flag `name` was given.
    bool has(std::string_view name) const;
    // The value given to the option `name`, if it was given.
    std::optional<std::string> value(std::string_view name) const;
};

struct SubcommandFlag {
    std::string_view name;  // "dry-run" for --dry-run
    std::string_view help;  // one line for the Options table of the subcommand's --help
    std::string_view value = {};  // "SECONDS" for an option that takes a value; "": a flag
};

struct Subcommand {
    std::string_view name;
    std::string_view operand;  // "BRIDGE": one required operand; "": none
    std::string_view operand_hint;  // where to find one, said when it is missing
    std::vector<SubcommandFlag> flags;
    std::string_view summary;      // one line, for taplaunch --help
    std::string_view description;  // the paragraph of taplaunch NAME --help
    int (*action)(const SubcommandArguments& arguments);
    // Whether it runs a command: "-- COMMAND [ARGS...]" after its options, required.
    bool takes_command = false;

    // "taplaunch doctor BRIDGE [--strict]".
    std::string usage() const;
    // The text of `taplaunch NAME --help`.
    std::string help() const;
    // Parses the words after the name and runs the subcommand (or prints its help). A word
    // the row does not take is one line on stderr naming it, with the usage, and status 2.
    // Returns the exit status.
    int run(const std::vector<std::string>& args) const;
};

// Every subcommand, in the order help lists them.
const std::vector<Subcommand>& subcommands();
// The subcommand called `name`, or nullptr.
const Subcommand* find_subcommand(std::string_view name);

}  // namespace taplaunch
