#include "tools/subcommands.hpp"

#include "launch_error.hpp"
#include "tools/doctor.hpp"
#include "tools/garbage_collector.hpp"
#include "tools/tap_listing.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace taplaunch {

namespace {

const std::vector<Subcommand> table = {
    {"list", "", "",
     {{"json", "print the same as JSON (schema taplaunch-list/1, docs/list-schema.json)"}},
     "list the TAPs taplaunch made and who holds them",
     "Lists every TAP taplaunch made in this network namespace that still exists: its guest,\n"
     "the taplaunch process that made it (the supervisor, or the emulator it became) and\n"
     "whether that still runs, the process holding the TAP open, the bridge, the TAP's and the\n"
     "guest's MAC, the MTU and the state.\n",
     [](const SubcommandArguments& arguments) { return run_tap_listing(arguments.has("json")); }},
    {"gc", "", "",
     {{"dry-run", "list the TAPs that would be removed, and remove nothing"}},
     "remove TAPs whose taplaunch no longer runs",
     "Removes the persistent TAPs a taplaunch supervisor created and could not remove because it\n"
     "was killed. A TAP is removed only if its alias names a taplaunch process that no longer\n"
     "runs and no process holds it open.\n"
     "Run by a user other than root, it removes only that user's TAPs (by the TAP's owner and the\n"
     "uid in its record).\n",
     [](const SubcommandArguments& arguments) {
         return run_garbage_collector(arguments.has("dry-run"));
     }},
    {"doctor", "BRIDGE", "ip -br link show type bridge lists them",
     {{"strict", "exit with status 1 when a risk is found (default: 0)"}},
     "explain a bridge: its MAC, ports, STP, what blocks guest traffic, and the fixes",
     "Explains bridge BRIDGE: whether its MAC was set by hand or follows its lowest port's MAC\n"
     "(and which port holds it), every port (MAC, MTU, state; for taplaunch's TAPs the guest and\n"
     "supervisor), ports that could take the bridge's MAC over, MTU mismatches, STP and its\n"
     "forward delay, isolated ports, and what silently blocks guest traffic (the bridge down,\n"
     "br_netfilter handing bridged traffic to a FORWARD chain whose policy is drop). Each risk\n"
     "comes with the command that fixes it. For an interface that is no bridge but has\n"
     "macvtaps, lists those instead (on a bridge, after its ports), stale ones as risks.\n"
     "Reads the kernel over netlink, in this network namespace; changes nothing.\n",
     [](const SubcommandArguments& arguments) {
         return run_doctor(*arguments.operand, arguments.has("strict"));
     }},
};

// The subcommand's own flags, as --help shows them.
po::options_description flag_options(const Subcommand& subcommand)
{
    po::options_description options("Options");
    for (const SubcommandFlag& flag : subcommand.flags) {
        options.add_options()(std::string(flag.name).c_str(), po::bool_switch(),
                              std::string(flag.help).c_str());
    }
    return options;
}

std::string lowercase(std::string_view text)
{
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    return lower;
}

// The word of `args` that an option error is about: the word as written ("--strict=yes"),
// not only the option's name.
std::string offending_word(const std::vector<std::string>& args, const std::string& option)
{
    const auto found = std::find_if(args.begin(), args.end(), [&](const std::string& arg) {
        return arg == option || arg.starts_with(option + "=");
    });
    return found == args.end() ? option : *found;
}

}  // namespace

bool SubcommandArguments::has(std::string_view name) const
{
    return std::find(flags.begin(), flags.end(), name) != flags.end();
}

std::string Subcommand::usage() const
{
    std::string line = "taplaunch " + std::string(name);
    if (!operand.empty()) {
        line += " " + std::string(operand);
    }
    for (const SubcommandFlag& flag : flags) {
        line += " [--" + std::string(flag.name) + "]";
    }
    return line;
}

std::string Subcommand::help() const
{
    std::ostringstream text;
    text << "Usage: " << usage() << '\n' << description;
    if (!flags.empty()) {
        text << flag_options(*this);
    }
    return text.str();
}

int Subcommand::run(const std::vector<std::string>& args) const
{
    // What a word that does not fit is called: a subcommand without an operand takes no
    // word but its flags; one with an operand takes any other word for it.
    const std::string unknown = operand.empty() ? "unknown argument" : "unknown option";
    const auto refuse = [&](const std::string& problem, std::string_view hint = {}) {
        report_line(single_line(std::string(name) + ": " + problem + " (usage: " + usage() +
                                (hint.empty() ? "" : "; " + std::string(hint)) + ")"));
        return exit_bad_definition;
    };
    const auto quoted = [](const std::string& word) { return "'" + excerpt(word) + "'"; };

    po::options_description accepted = flag_options(*this);
    accepted.add_options()("help,h", po::bool_switch(), "")(
        "operand", po::value<std::vector<std::string>>(), "");
    po::positional_options_description operands;
    operands.add("operand", -1);
    po::parsed_options parsed(&accepted);
    try {
        parsed = po::command_line_parser(args)
                     .options(accepted)
                     .positional(operands)
                     .style(po::command_line_style::unix_style &
                            ~po::command_line_style::allow_guessing)
                     .run();
    } catch (const po::error_with_option_name& error) {
        return refuse(unknown + " " + quoted(offending_word(args, error.get_option_name())));
    } catch (const po::error& error) {
        return refuse(error.what());
    }

    SubcommandArguments arguments;
    std::vector<std::string> words;
    bool help_wanted = false;
    for (const po::option& option : parsed.options) {
        if (option.string_key == "help") {
            help_wanted = true;
        } else if (option.string_key == "operand") {
            words.insert(words.end(), option.value.begin(), option.value.end());
        } else {
            arguments.flags.push_back(option.string_key);
        }
    }
    if (help_wanted) {
        std::cout << help() << std::flush;
        return 0;
    }
    if (operand.empty() && !words.empty()) {
        return refuse(unknown + " " + quoted(words.front()));
    }
    if (!operand.empty()) {
        const std::string what = lowercase(operand);
        if (words.empty()) {
            return refuse("which " + what + "?", operand_hint);
        }
        if (words.size() > 1) {
            return refuse("one " + what + " at a time, not " + quoted(words[0]) + " and " +
                          quoted(words[1]));
        }
        arguments.operand = words.front();
    }
    return action(arguments);
}

const std::vector<Subcommand>& subcommands()
{
    return table;
}

const Subcommand* find_subcommand(std::string_view name)
{
    const auto found = std::find_if(table.begin(), table.end(),
                                    [&](const Subcommand& subcommand) { return subcommand.name == name; });
    return found == table.end() ? nullptr : &*found;
}

}  // namespace taplaunch
