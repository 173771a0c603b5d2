#include "plan/plan_json.hpp"

#include "plan/qemu_option_source.hpp"
#include "plan/tap_steps.hpp"

#include <nlohmann/json.hpp>

namespace taplaunch {

namespace {

using json = nlohmann::ordered_json;

json flags_of(const TapPlan& tap)
{
    json flags = json::array({"IFF_TAP", "IFF_NO_PI"});
    if (tap.vnet_hdr) {
        flags.push_back("IFF_VNET_HDR");
    }
    if (tap.queues > 1) {
        flags.push_back("IFF_MULTI_QUEUE");
    }
    return flags;
}

json nic_of(const TapPlan& tap)
{
    json steps = json::array();
    for (const TapStep step : tap_steps_for(tap)) {
        steps.push_back(describe_tap_step(tap, step, tap.predicted_ifname));
    }
    return {
        {"index", tap.nic_index},
        {"source", tap.bridge_form ? "qemu-bridge-form" : "nic"},
        {"bridge", tap.bridge},
        {"tap",
         {{"name", tap.predicted_ifname},
          {"requested", tap.requested_ifname},
          {"predicted", tap.predicted_ifname != tap.requested_ifname}}},
        {"guest_mac", tap.guest_mac.to_string()},
        {"tap_mac", tap.tap_mac.to_string()},
        {"mtu", tap.mtu},
        {"isolated", tap.isolated},
        {"model", tap.device_model.empty() ? json(nullptr) : json(tap.device_model)},
        {"flags", flags_of(tap)},
        {"queues", tap.queues},
        {"vhost", !tap.vhost_fds.empty()},
        {"emulator_fds", tap.queue_fds},
        {"vhost_fds", tap.vhost_fds},
        {"netdev_id", tap.netdev_id.empty() ? json(nullptr) : json(tap.netdev_id)},
        {"persistent", tap.persistent},
        {"owner_uid", tap.persistent ? json(tap.owner_uid) : json(nullptr)},
        {"steps", steps},
    };
}

json qemu_options_of(const QemuOptionSet& options)
{
    if (!describe_qemu_option_source(options)) {
        return nullptr;
    }
    return {{"source", options.from_binary() ? "help" : "table"},
            {"qemu_version", options.qemu_version()},
            {"description", options.source()}};
}

}  // namespace

std::string format_plan_json(const LaunchPlan& plan)
{
    json nics = json::array();
    for (const TapPlan& tap : plan.taps) {
        nics.push_back(nic_of(tap));
    }
    json adapter = nullptr;
    if (!plan.uml_xstate.adapter_path.empty()) {
        adapter = {{"path", plan.uml_xstate.adapter_path}, {"reason", plan.uml_xstate.reason}};
    }
    const json document = {
        {"schema", plan_json_schema},
        {"guest", plan.guest_name},
        {"emulator",
         {{"kind", to_string(plan.emulator_kind)},
          {"path", plan.emulator_path},
          {"handoff", plan.handoff == Handoff::exec ? "exec" : "supervise"},
          {"uml_transport", plan.emulator_kind == EmulatorKind::uml
                                ? json(std::string(to_string(plan.uml_transport)))
                                : json(nullptr)},
          {"uml_xstate_adapter", adapter},
          {"uml_reboot_adapter", plan.uml_reboot.adapter_path.empty()
                                     ? json(nullptr)
                                     : json{{"path", plan.uml_reboot.adapter_path},
                                            {"reason", plan.uml_reboot.reason}}},
          {"qemu_options", qemu_options_of(plan.qemu_options)},
          {"stop_timeout", plan.handoff == Handoff::supervise ? json(plan.stop_timeout_seconds)
                                                              : json(nullptr)}}},
        {"nics", nics},
        {"notes", plan.notes},
        {"rewrites", plan.rewrites},
        {"argv", plan.argv},
    };
    return document.dump(2) + '\n';
}

}  // namespace taplaunch
