// taplaunch: parse the guest definition, plan against the host, create the TAPs, hand over.

#include "definition/command_line.hpp"
#include "plan/emulator_argv.hpp"
#include "handoff/caller_environment.hpp"
#include "handoff/emulator_exec.hpp"
#include "handoff/leftover_keeper.hpp"
#include "handoff/supervisor.hpp"
#include "host/definition_files.hpp"
#include "host/netlink_socket.hpp"
#include "host/proc_files.hpp"
#include "host/system_host_facts.hpp"
#include "host/tap_set.hpp"
#include "host/test_pause.hpp"
#include "launch_error.hpp"
#include "plan/dry_run.hpp"
#include "plan/launch_plan.hpp"
#include "plan/plan_json.hpp"
#include "plan/tap_names.hpp"
#include "tools/subcommands.hpp"
#include "version.hpp"

#include <unistd.h>

#include <iostream>
#include <memory>
#include <optional>

using namespace taplaunch;

namespace {

int launch(const std::vector<std::string>& args, std::set<int> inherited_fds)
{
    const CommandLine command = parse_command_line(args, read_profile_text);
    switch (command.action) {
    case CommandLine::Action::help:
        std::cout << command.help_text << "\nSubcommands:\n";
        for (const Subcommand& subcommand : subcommands()) {
            std::string line = "  " + subcommand.usage();
            line.resize(std::max<std::size_t>(line.size() + 1, 32), ' ');
            std::cout << line << subcommand.summary << '\n';
        }
        return 0;
    case CommandLine::Action::version:
        std::cout << "taplaunch " << version << '\n';
        return 0;
    case CommandLine::Action::run:
        break;
    }

    // One owner at a time: main while planning (the host facts borrow it), then the TapSet,
    // which needs it to undo itself and closes it when it lets the TAPs go to exec.
    auto netlink = std::make_shared<NetlinkSocket>(NetlinkSocket::connect());
    if (command.dry_run) {
        const SystemHostFacts host(*netlink, std::move(inherited_fds));
        LaunchPlan plan = make_launch_plan(command.guest, host, true);
        predict_tap_names(plan, host);
        std::cout << (command.json ? format_plan_json(plan) : format_dry_run(plan)) << std::flush;
        return 0;
    }
    const LaunchPlan plan =
        make_launch_plan(command.guest, SystemHostFacts(*netlink, std::move(inherited_fds)));

    const StepLogger log = [&](const std::string& line) {
        if (command.verbose) {
            report_line(line);
        }
    };
    for (const std::string& note : plan.notes) {
        if (!command.quiet) {
            std::cerr << "taplaunch: note: " << note << '\n';
        }
    }
    for (const std::string& rewrite : plan.rewrites) {
        log("rewrite: " + rewrite);
    }
    // A supervisor takes signals from here on, so that one arriving during set-up is
    // forwarded to the emulator rather than killing taplaunch with persistent TAPs made.
    std::optional<BlockedSignals> signals;
    if (plan.handoff == Handoff::supervise) {
        signals.emplace();
    }
    // Without -v, set-up gets no logger and does not build the lines it would log.
    TapSet taps = set_up_taps(plan, std::move(netlink), command.verbose ? log : StepLogger{});
    const std::vector<std::string> argv = emulator_argv(plan, taps.names());
    if (!plan.uml_xstate.adapter_path.empty()) {
        log(plan.uml_xstate.reason);
    }
    if (!plan.uml_reboot.adapter_path.empty()) {
        log(plan.uml_reboot.reason);
    }
    pause_point("handoff");
    if (signals) {
        return supervise_emulator(plan, argv, taps, *signals, log);
    }
    // Closes the netlink sockets, whose fds may stand where a TAP fd must go.
    std::vector<ReadyTap> exec_taps = taps.release_for_exec();
    // Open vSwitch rows outlive the TAPs, macvtaps their fds: the keeper removes them once the
    // emulator ends.
    keep_leftovers_after_exec(exec_taps, log);
    log("exec " + plan.emulator_path);
    exec_emulator(plan, argv, std::move(exec_taps));
}

}  // namespace

int main(int argc, char** argv)
{
    // Before anything opens a file: these fds belong to the caller and pass through.
    std::set<int> inherited_fds = list_open_fds();
    // taplaunch is installed with a file capability, never setuid or setgid: a user id that
    // differs from the caller's would go on to the emulator.
    if (::geteuid() != ::getuid() || ::getegid() != ::getgid()) {
        std::cerr << "taplaunch: runs with another user's or group's id (a setuid or setgid "
                     "binary?); refusing (remove the bit: chmod ug-s, and install with the "
                     "capability instead: setcap cap_net_admin+ep)\n";
        return exit_host_failure;
    }
    save_caller_environment();
    const std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (!args.empty()) {
            if (const Subcommand* subcommand = find_subcommand(args.front())) {
                return subcommand->run({args.begin() + 1, args.end()});
            }
        }
        return launch(args, std::move(inherited_fds));
    } catch (const DefinitionProblems& problems) {
        for (const std::string& line : problems.lines()) {
            report_line(line);
        }
        return exit_bad_definition;
    } catch (const DefinitionError& error) {
        report_line(error.what());
        return exit_bad_definition;
    } catch (const HostError& error) {
        report_line(error.what());
        return exit_host_failure;
    } catch (const std::exception& error) {
        report_line(error.what());
        return exit_host_failure;
    }
}
