#include "plan/launch_plan.hpp"

#include "emulators/qemu_id_allocator.hpp"
#include "launch_error.hpp"
#include "plan/caller_limits.hpp"
#include "plan/emulator_argv.hpp"
#include "plan/emulator_fds.hpp"
#include "plan/emulator_program.hpp"
#include "plan/guest_name.hpp"
#include "plan/mac_conflicts.hpp"
#include "plan/nic_requests.hpp"
#include "plan/nic_tap.hpp"
#include "plan/problem_list.hpp"
#include "plan/qemu_option_source.hpp"
#include "plan/tap_mtu.hpp"
#include "plan/tap_name_checks.hpp"
#include "plan/tap_owner.hpp"
#include "plan/uml_legacy_transport.hpp"

namespace taplaunch {

LaunchPlan make_launch_plan(const GuestDefinition& guest, const HostFacts& host,
                            bool list_every_problem)
{
    ProblemList problems(list_every_problem);
    LaunchPlan plan;
    plan.emulator_kind = decide_emulator_kind(guest);
    const bool uml = plan.emulator_kind == EmulatorKind::uml;
    problems.check([&] {
        if (!uml && guest.uml_transport_given) {
            throw DefinitionError("--uml-transport applies only to UML guests (drop it, or add "
                                  "--emulator-kind uml)");
        }
        if (!uml && guest.uml_xstate_adapter != UmlXstateAdapter::automatic) {
            throw DefinitionError("--uml-xstate-adapter applies only to UML guests (drop it, or "
                                  "add --emulator-kind uml)");
        }
    });
    if (!uml) {
        plan.qemu_options = decide_qemu_options(guest, host, list_every_problem);
        problems.check([&] {
            plan.qemu_network = scan_qemu_arguments(guest.emulator_args, plan.qemu_options);
        });
        plan.notes.insert(plan.notes.end(), plan.qemu_network.notes.begin(),
                          plan.qemu_network.notes.end());
    }
    plan.guest_name = decide_guest_name(guest, plan.qemu_network, plan.notes);
    plan.uml_transport = guest.uml_transport;
    const bool by_name = uml && plan.uml_transport != UmlTransport::fd;
    plan.handoff = (by_name || guest.supervise) ? Handoff::supervise : Handoff::exec;
    problems.check([&] {
        if (guest.stop_timeout && plan.handoff != Handoff::supervise) {
            throw DefinitionError("--stop-timeout applies only when taplaunch supervises the "
                                  "emulator (add --supervise, or drop --stop-timeout)");
        }
    });
    plan.stop_timeout_seconds = guest.stop_timeout.value_or(default_stop_timeout_seconds);
    uid_t owner_uid = host.caller_uid();
    problems.check([&] { owner_uid = decide_owner(guest, by_name, host); });
    const ProcessIdentity launcher = requests_need_identity(guest, plan.qemu_network)
                                         ? host.current_process()
                                         : ProcessIdentity{};

    const std::vector<NicRequest> requests = nic_requests(guest, uml, plan.qemu_network);
    std::vector<NicSpec> specs;
    for (const NicRequest& request : requests) {
        specs.push_back(request.spec);
    }
    check_ifnames_distinct(specs, problems);
    check_bridge_mtus_agree(specs, problems);
    if (!requests.empty()) {
        check_caller_can_create_taps(host);  // one line, also for --dry-run: nothing else helps
    }
    const unsigned tun_features = requests.empty() ? 0 : host.tun_features();
    QemuIdAllocator netdev_ids(plan.qemu_network.ids_in_use);
    const LaunchNicContext context{host,         plan.guest_name, uml,
                                   plan.uml_transport, by_name, tun_features,
                                   owner_uid,    launcher,        plan.qemu_network};
    for (std::size_t index = 0; index < requests.size(); ++index) {
        problems.check([&] {
            plan.taps.push_back(
                plan_nic_tap(requests[index], index, context, netdev_ids, plan.notes));
        });
    }
    check_macs_distinct(plan.taps, problems);
    check_caller_limits(plan, host, problems);
    problems.check([&] { assign_emulator_fds(plan.taps, host.inherited_fds()); });

    try {
        plan.emulator_path = resolve_emulator(guest, host);
    } catch (const HostError& error) {
        // With definition problems to list, the missing emulator is one more line of them.
        if (list_every_problem && !problems.empty()) {
            problems.check([&] { throw DefinitionError(error.what()); });
            problems.throw_if_any();
        }
        throw;
    }
    if (uml) {
        const std::string uml_program = resolve_uml_program(guest, plan.emulator_path, host);
        problems.check([&] { check_uml_transport_exists(plan.uml_transport, uml_program, host); });
        plan.uml_reboot = plan_uml_reboot(plan.uml_transport, host, plan.notes);
        problems.check([&] {
            plan.uml_xstate = plan_uml_xstate(guest.uml_xstate_adapter, uml_program, host);
        });
    }
    problems.throw_if_any();

    plan.base_argv.push_back(guest.emulator);
    plan.base_argv.insert(plan.base_argv.end(), guest.emulator_args.begin(),
                          guest.emulator_args.end());
    plan.rewrites = qemu_rewrite_notes(plan);
    std::vector<std::string> requested_names;
    for (const TapPlan& tap : plan.taps) {
        requested_names.push_back(tap.requested_ifname);
    }
    plan.argv = emulator_argv(plan, requested_names);
    return plan;
}

}  // namespace taplaunch
