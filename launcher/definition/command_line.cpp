#include "definition/command_line.hpp"

#include "definition/guest_settings.hpp"
#include "definition/profile_file.hpp"
#include "launch_error.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace po = boost::program_options;

namespace taplaunch {

namespace {

constexpr const char* usage =
    "Usage: taplaunch [OPTIONS] -- EMULATOR [ARGS...]\n"
    "       taplaunch --profile FILE [OPTIONS] [-- EXTRA-ARGS...]\n"
    "       taplaunch SUBCOMMAND [ARGS...]\n"
    "\n"
    "Creates one TAP per --nic with a stable MAC (the guest's with its first byte set to\n"
    "0xFE, or 0xFA), the bridge's MTU, attached to the bridge and up, then runs the emulator\n"
    "with the TAPs in its own argument form.\n";

constexpr const char* exit_statuses =
    "Exit status: 2 for a bad definition or usage, 1 for a host failure; otherwise the\n"
    "process becomes the emulator (exec), or ends with the emulator's status, 128+N for\n"
    "signal N (supervise).\n";

// "NIC SPEC" lines from the parser's own key table.
std::string nic_spec_help()
{
    std::string text = "NIC SPEC (comma-separated key=value):\n";
    for (const NicSpecKey& key : nic_spec_keys()) {
        std::string line = "  " + std::string(key.example);
        line.resize(std::max<std::size_t>(line.size() + 1, 23), ' ');
        text += line + std::string(key.help) + '\n';
    }
    return text;
}

po::options_description command_line_options()
{
    po::options_description options("Options");
    for (const GuestSetting& setting : guest_settings()) {
        if (!setting.on_command_line) {
            continue;
        }
        const std::string name(setting.name);
        const std::string help(setting.help);
        if (setting.kind == GuestSetting::Kind::flag) {
            options.add_options()(name.c_str(), po::bool_switch(), help.c_str());
        } else if (setting.repeats) {
            options.add_options()(name.c_str(),
                                  po::value<std::vector<std::string>>()->composing()->value_name(
                                      std::string(setting.value_name)),
                                  help.c_str());
        } else {
            options.add_options()(
                name.c_str(), po::value<std::string>()->value_name(std::string(setting.value_name)),
                help.c_str());
        }
    }
    options.add_options()
        ("profile", po::value<std::string>()->value_name("FILE"),
         "read the guest definition from a file of key = value lines whose keys are the long "
         "option names (and emulator, args)")
        ("dry-run", po::bool_switch(), "print the host changes and the final command; change nothing")
        ("json", po::bool_switch(), "with --dry-run: print the plan as JSON (docs/plan-schema.json)")
        ("verbose,v", po::bool_switch(), "log each host change to stderr as it happens")
        ("quiet,q", po::bool_switch(), "print only errors (no notes)")
        ("help,h", po::bool_switch(), "show this help")
        ("version", po::bool_switch(), "show the version");
    return options;
}

// Applies a profile's entries in file order; an error names the file and line.
void apply_profile(GuestDefinition& guest, const ProfileFile& profile)
{
    guest.name = profile.stem;
    for (const ProfileEntry& entry : profile.entries) {
        try {
            apply_guest_setting(guest, *find_guest_setting(entry.key), entry.words);
        } catch (const DefinitionError& error) {
            throw DefinitionError(profile.where(entry.line) + ": " + error.what());
        }
    }
}

// Applies the command line's guest options: NICs after the profile's, other values in place
// of the profile's (a switch can only turn its setting on).
void apply_options(GuestDefinition& guest, const po::variables_map& values)
{
    for (const GuestSetting& setting : guest_settings()) {
        const std::string name(setting.name);
        if (!setting.on_command_line || !values.count(name)) {
            continue;
        }
        if (setting.kind == GuestSetting::Kind::flag) {
            if (values[name].as<bool>()) {
                apply_guest_setting(guest, setting, {"true"});
            }
        } else if (setting.repeats) {
            for (const std::string& value : values[name].as<std::vector<std::string>>()) {
                apply_guest_setting(guest, setting, {value});
            }
        } else {
            apply_guest_setting(guest, setting, {values[name].as<std::string>()});
        }
    }
}

// Reads the words before "--" left to right for the first mistake Boost would misreport: an
// unknown option, or a word that is neither an option nor an option's value (a forgotten
// "--" in front of the emulator, whose own options would otherwise be called unknown).
void check_option_words(const std::vector<std::string>& option_args,
                        const po::options_description& options)
{
    for (std::size_t i = 0; i < option_args.size(); ++i) {
        const std::string& word = option_args[i];
        if (!word.starts_with("-") || word == "-") {
            throw DefinitionError("unexpected argument '" + excerpt(word) +
                                  "' (put the emulator and its arguments after --, e.g. "
                                  "taplaunch --nic bridge=br0 -- qemu-system-x86_64 ...)");
        }
        const bool long_option = word.starts_with("--");
        const std::string name = long_option ? word.substr(2, word.find('=') - 2) : word.substr(0, 2);
        const auto* option = options.find_nothrow(name, false);
        if (!option) {
            throw DefinitionError("unknown option '" + excerpt(long_option ? "--" + name : name) +
                                  "' (taplaunch --help lists the options)");
        }
        const bool value_follows = option->semantic()->max_tokens() > 0 &&
                                   (long_option ? word.find('=') == std::string::npos
                                                : word.size() == 2);
        if (value_follows) {
            ++i;
        }
    }
}

std::string help_text(const po::options_description& options)
{
    std::ostringstream text;
    text << usage << '\n' << nic_spec_help() << '\n' << exit_statuses << '\n' << options;
    return text.str();
}

}  // namespace

CommandLine parse_command_line(const std::vector<std::string>& args,
                               const ProfileReader& read_profile)
{
    const auto separator = std::find(args.begin(), args.end(), "--");
    const std::vector<std::string> option_args(args.begin(), separator);
    std::vector<std::string> after_separator;
    if (separator != args.end()) {
        after_separator.assign(separator + 1, args.end());
    }

    const po::options_description options = command_line_options();
    check_option_words(option_args, options);
    po::variables_map values;
    try {
        po::store(po::command_line_parser(option_args)
                      .options(options)
                      .style(po::command_line_style::unix_style & ~po::command_line_style::allow_guessing)
                      .run(),
                  values);
    } catch (const po::unknown_option& error) {
        throw DefinitionError("unknown option '" + error.get_option_name() +
                              "' (taplaunch --help lists the options)");
    } catch (const po::error& error) {
        throw DefinitionError(std::string(error.what()) + " (taplaunch --help lists the options)");
    }

    CommandLine command;
    if (values["help"].as<bool>()) {
        command.action = CommandLine::Action::help;
        command.help_text = help_text(options);
        return command;
    }
    if (values["version"].as<bool>()) {
        command.action = CommandLine::Action::version;
        return command;
    }
    command.dry_run = values["dry-run"].as<bool>();
    command.json = values["json"].as<bool>();
    if (command.json && !command.dry_run) {
        throw DefinitionError("--json goes with --dry-run (taplaunch --dry-run --json ...), or "
                              "with a subcommand that takes it");
    }
    command.verbose = values["verbose"].as<bool>();
    command.quiet = values["quiet"].as<bool>();
    if (command.quiet && command.verbose) {
        throw DefinitionError("--quiet and --verbose contradict each other (give one)");
    }

    GuestDefinition& guest = command.guest;
    if (values.count("profile")) {
        const std::string path = values["profile"].as<std::string>();
        if (!read_profile) {
            throw std::logic_error("parse_command_line: --profile, and no profile reader");
        }
        apply_profile(guest, parse_profile(path, read_profile(path)));
    }
    apply_options(guest, values);
    if (guest.emulator.empty() && !after_separator.empty()) {
        guest.emulator = after_separator.front();
        after_separator.erase(after_separator.begin());
    }
    guest.emulator_args.insert(guest.emulator_args.end(), after_separator.begin(),
                               after_separator.end());
    check_guest_name(guest.name);
    if (guest.emulator.empty()) {
        throw DefinitionError("no emulator given (put it after --, e.g. taplaunch --nic "
                              "bridge=br0 -- qemu-system-x86_64 ..., or set emulator= in the "
                              "profile)");
    }
    return command;
}

}  // namespace taplaunch
