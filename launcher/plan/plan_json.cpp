#include "plan/plan_json.hpp"

#include "plan/launch_preview.hpp"

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

// What removes the NIC's leftovers (its OVS row, its macvtap), from the preview's teardown.
std::string removal_of(const TapPlan& tap, const LaunchPreview& preview)
{
    std::string removal;
    const std::string prefix = "nic " + std::to_string(tap.nic_index) + ": ";
    for (const std::string& line : preview.teardown) {
        if (line.starts_with(prefix)) {
            removal = line.substr(prefix.size());
        }
    }
    return removal;
}

// The NIC's macvtap, or null for a TAP.
json macvtap_of(const TapPlan& tap, const LaunchPreview& preview)
{
    if (!tap.macvtap) {
        return nullptr;
    }
    return {{"lower", tap.macvtap->lower},
            {"mode", std::string(macvtap_mode_name(tap.macvtap->mode))},
            {"removal", removal_of(tap, preview)}};
}

// The NIC's Open vSwitch port, or null on a Linux bridge.
json ovs_port_of(const TapPlan& tap, const LaunchPreview& preview)
{
    if (!tap.ovs) {
        return nullptr;
    }
    const std::string removal = removal_of(tap, preview);
    return {{"iface_id", tap.ovs->iface_id},
            {"vm_id", tap.ovs->vm_id},
            {"vlan", tap.ovs->vlan ? json(*tap.ovs->vlan) : json(nullptr)},
            {"trunks", tap.ovs->trunks},
            {"protected", tap.ovs->protected_port},
            {"removal", removal}};
}

json lock_of(const TapPlan& tap)
{
    json addresses = json::array();
    for (const IpAddress& address : tap.lock.addresses) {
        addresses.push_back(address.to_string());
    }
    json ipv6_sources = json::array();
    if (tap.lock.mode == LockMode::ip) {
        for (const IpAddress& address : lock_ipv6_sources(tap.lock, tap.guest_mac)) {
            ipv6_sources.push_back(address.to_string());
        }
    }
    return {{"mode", std::string(lock_mode_name(tap.lock.mode))},
            {"addresses", addresses},
            {"ipv6_sources", ipv6_sources},
            {"filter_instructions", tap.lock_filter.size()}};
}

json nic_of(const TapPlan& tap, std::size_t index, const LaunchPreview& preview)
{
    json steps = json::array();
    for (const PreviewStep& step : preview.steps) {
        if (step.tap == index) {
            steps.push_back(step.text);
        }
    }
    return {
        {"index", tap.nic_index},
        {"source", tap.bridge_form ? "qemu-bridge-form" : "nic"},
        {"bridge", tap.bridge},  // "" for a macvtap NIC
        {"tap",
         {{"name", tap.predicted_ifname},
          {"requested", tap.requested_ifname},
          {"predicted", tap.predicted_ifname != tap.requested_ifname}}},
        {"guest_mac", tap.guest_mac.to_string()},
        {"tap_mac", tap.tap_mac.to_string()},
        {"mtu", tap.mtu},
        {"isolated", tap.isolated},
        {"lock", lock_of(tap)},
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
        {"open_vswitch", ovs_port_of(tap, preview)},
        {"macvtap", macvtap_of(tap, preview)},
    };
}

json qemu_options_of(const LaunchPreview& preview)
{
    if (!preview.qemu_options) {
        return nullptr;
    }
    return {{"source", preview.qemu_options->from_binary ? "help" : "table"},
            {"qemu_version", preview.qemu_options->qemu_version},
            {"description", preview.qemu_options->description}};
}

}  // namespace

std::string format_plan_json(const LaunchPlan& plan)
{
    const LaunchPreview preview = preview_launch(plan);
    json nics = json::array();
    for (std::size_t index = 0; index < plan.taps.size(); ++index) {
        nics.push_back(nic_of(plan.taps[index], index, preview));
    }
    json xstate_adapter = nullptr;
    json reboot_adapter = nullptr;
    json preloads = json::array();
    for (const EmulatorPreload& preload : preview.preloads) {
        const json described = {{"path", preload.path}, {"reason", preload.reason}};
        (preload.adapter == "uml_xstate_adapter" ? xstate_adapter : reboot_adapter) = described;
        preloads.push_back(described);
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
          {"uml_xstate_adapter", xstate_adapter},
          {"uml_reboot_adapter", reboot_adapter},
          {"preloads", preloads},
          {"qemu_options", qemu_options_of(preview)},
          {"drop_capabilities", preview.drop_capabilities},
          {"stop_timeout", plan.handoff == Handoff::supervise ? json(plan.stop_timeout_seconds)
                                                              : json(nullptr)}}},
        {"nics", nics},
        {"predicted_names", preview.predicted_names},
        {"notes", preview.notes},
        {"rewrites", preview.rewrites},
        {"argv", preview.argv},
    };
    return document.dump(2) + '\n';
}

}  // namespace taplaunch
