#include "tools/subcommands.hpp"

#include "lab/lab.hpp"
#include "launch_error.hpp"
#include "tools/doctor.hpp"
#include "tools/garbage_collector.hpp"
#include "tools/guest_wait.hpp"
#include "tools/tap_listing.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace taplaunch {

namespace {

// `taplaunch lab`'s settings from its options; DefinitionError for a bad one.
LabSettings lab_settings(const SubcommandArguments& arguments)
{
    LabSettings settings;
    if (const auto bridge = arguments.value("bridge")) {
        check_bridge_name(*bridge);
        settings.bridge = *bridge;
    }
    if (const auto address = arguments.value("address")) {
        settings.ipv4 = parse_interface_address(*address, false, "--address");
    }
    if (const auto address = arguments.value("address6")) {
        settings.ipv6 = parse_interface_address(*address, true, "--address6");
    }
    settings.outbound = arguments.has("outbound");
    settings.dhcp = arguments.has("dhcp");
    return settings;
}

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
    {"lab", "", "",
     {{"bridge", "the bridge's name (default br0)", "NAME"},
      {"address", "the bridge's IPv4 address and prefix (default 10.0.2.1/24)", "ADDR/PREFIX"},
      {"address6", "an IPv6 address and prefix for the bridge too (e.g. fd00:2::1/64)",
       "ADDR/PREFIX"},
      {"outbound", "guests reach what the caller reaches: NAT in the lab, pasta (passt) out of it"},
      {"dhcp", "a DHCP server (dnsmasq) for the bridge's subnet, its leases inside the lab"}},
     "run COMMAND in a network namespace of its own with a bridge, removed when it ends",
     "Runs COMMAND in network, PID and mount namespaces of its own (and, for a user other than\n"
     "root, a user namespace in which the caller is root: no capability, setuid or sudo needed)\n"
     "that hold a bridge with the given address, where taplaunch's guests on that bridge\n"
     "work as anywhere. --outbound masquerades the bridge's subnet out of an interface that\n"
     "pasta connects to the caller's network (the runner's services on 127.0.0.1 are at the\n"
     "lab's default gateway address); the host's own network settings never change. --dhcp\n"
     "serves addresses on the bridge (leases: $TAPLAUNCH_LAB_LEASES inside). When COMMAND ends,\n"
     "or the lab is killed, even by SIGKILL, every process in it ends and the namespaces go.\n"
     "Exits with COMMAND's status (128+N when signal N ended it).\n",
     [](const SubcommandArguments& arguments) {
         return run_lab(lab_settings(arguments), arguments.command);
     },
     true},
    {"wait", "GUEST", "the --name a guest was launched with",
     {{"timeout", "give up after this many seconds (default 300)", "SECONDS"},
      {"json", "print the NICs as JSON (schema taplaunch-wait/1): TAP, MAC, IPv4, IPv6"}},
     "wait until guest GUEST runs and each of its NICs is seen using an address; print them",
     "Waits until a guest launched with the name GUEST runs in this network namespace and each of\n"
     "its NICs has been seen using an address, then prints one line per NIC: its IPv4 address,\n"
     "or its IPv6 address where no IPv4 one was seen. The sources are the kernel's neighbour\n"
     "table, the leases of a lab that serves DHCP, and, where packet sockets are allowed (root,\n"
     "or root of a lab), the ARP and IP traffic the guest sends into its TAPs meanwhile; the\n"
     "guest is never asked. Exit status 0 when seen; 1 at the timeout, naming what was missing;\n"
     "2 for bad usage or when several running guests share the name.\n",
     [](const SubcommandArguments& arguments) {
         return run_guest_wait(*arguments.operand, arguments.value("timeout").value_or(""),
                               arguments.has("json"));
     }},
};

// The subcommand's own flags, as --help shows them.
po::options_description flag_options(const Subcommand& subcommand)
{
    po::options_description options("Options");
    for (const SubcommandFlag& flag : subcommand.flags) {
        if (flag.value.empty()) {
            options.add_options()(std::string(flag.name).c_str(), po::bool_switch(),
                                  std::string(flag.help).c_str());
        } else {
            options.add_options()(std::string(flag.name).c_str(),
                                  po::value<std::string>()->value_name(std::string(flag.value)),
                                  std::string(flag.help).c_str());
        }
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

std::optional<std::string> SubcommandArguments::value(std::string_view name) const
{
    const auto found = values.find(std::string(name));
    return found == values.end() ? std::nullopt : std::optional(found->second);
}

std::string Subcommand::usage() const
{
    std::string line = "taplaunch " + std::string(name);
    if (!operand.empty()) {
        line += " " + std::string(operand);
    }
    for (const SubcommandFlag& flag : flags) {
        line += " [--" + std::string(flag.name) +
                (flag.value.empty() ? "" : " " + std::string(flag.value)) + "]";
    }
    if (takes_command) {
        line += " -- COMMAND [ARGS...]";
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

int Subcommand::run(const std::vector<std::string>& all_args) const
{
    // A row that runs a command takes every word after the first "--" as that command.
    std::vector<std::string> args = all_args;
    std::vector<std::string> command;
    if (takes_command) {
        if (const auto separator = std::find(args.begin(), args.end(), "--"); separator != args.end()) {
            command.assign(separator + 1, args.end());
            args.erase(separator, args.end());
        }
    }
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
    } catch (const po::invalid_command_line_syntax& error) {
        // An option that takes a value given none: Boost's own words say which.
        if (error.kind() == po::invalid_syntax::missing_parameter) {
            return refuse(error.what());
        }
        return refuse(unknown + " " + quoted(offending_word(args, error.get_option_name())));
    } catch (const po::error_with_option_name& error) {
        return refuse(unknown + " " + quoted(offending_word(args, error.get_option_name())));
    } catch (const po::error& error) {
        return refuse(error.what());
    }

    const auto takes_value = [&](const std::string& key) {
        const auto row = std::find_if(flags.begin(), flags.end(),
                                      [&](const SubcommandFlag& flag) { return flag.name == key; });
        return row != flags.end() && !row->value.empty();
    };
    SubcommandArguments arguments;
    std::vector<std::string> words;
    bool help_wanted = false;
    for (const po::option& option : parsed.options) {
        if (option.string_key == "help") {
            help_wanted = true;
        } else if (option.string_key == "operand") {
            words.insert(words.end(), option.value.begin(), option.value.end());
        } else if (takes_value(option.string_key)) {
            arguments.values[option.string_key] = option.value.back();
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
    if (takes_command) {
        if (command.empty()) {
            return refuse("which command? give it after '--'");
        }
        arguments.command = std::move(command);
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
