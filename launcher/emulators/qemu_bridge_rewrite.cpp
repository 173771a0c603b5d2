#include "emulators/qemu_bridge_rewrite.hpp"

#include "definition/nic_spec.hpp"
#include "emulators/qemu_option_list.hpp"
#include "emulators/qemu_tap_fds.hpp"
#include "launch_error.hpp"

#include <stdexcept>

namespace taplaunch {

namespace {

// QEMU's spellings of a true boolean (qapi_bool_parse).
bool is_qemu_true(std::string_view value)
{
    return value == "on" || value == "yes" || value == "true" || value == "y";
}

// "QEMU argument 4 (-nic)" for notes: where the change happened.
std::string where(const std::vector<std::string>& args, std::size_t index)
{
    return "QEMU argument " + std::to_string(index + 1) + " (" + args.at(index) + ")";
}

void check_tap(const QemuBridgeNic& nic, const QemuBridgeTap& tap, std::size_t i)
{
    const std::string context = "rewrite_qemu_bridges: bridge NIC " + std::to_string(i) + ": ";
    if (tap.queue_fds.empty() || tap.queue_fds.size() > max_tap_queues) {
        throw std::invalid_argument(context + "needs 1.." + std::to_string(max_tap_queues) +
                                    " queue fds");
    }
    if (!tap.vhost_fds.empty() && tap.vhost_fds.size() != tap.queue_fds.size()) {
        throw std::invalid_argument(context + "needs one vhost fd per queue fd, or none");
    }
    for (const auto* fds : {&tap.queue_fds, &tap.vhost_fds}) {
        for (const int fd : *fds) {
            if (fd < 0) {
                throw std::invalid_argument(context + "fd " + std::to_string(fd) + " is negative");
            }
        }
    }
    if (tap.queue_fds.size() > 1 && !supports_multiqueue(nic)) {
        throw std::invalid_argument(context + "this form cannot take several queues");
    }
    if (!tap.vhost_fds.empty() && !supports_vhost(nic)) {
        throw std::invalid_argument(context + "this form cannot take vhost fds");
    }
    if (nic.mac && *nic.mac != tap.guest_mac) {
        throw std::invalid_argument(context + "the arguments give MAC " + nic.mac->to_string() +
                                    ", not " + tap.guest_mac.to_string());
    }
    if (tap.guest_mac.is_multicast() || tap.guest_mac.is_zero()) {
        throw std::invalid_argument(context + "MAC " + tap.guest_mac.to_string() +
                                    " is not unicast");
    }
}

class Rewriter {
public:
    Rewriter(const std::vector<std::string>& args, const QemuNetworkScan& scan)
        : args_(args), scan_(scan)
    {
        result_.args = args;
        result_.notes = scan.notes;
    }

    QemuBridgeRewrite run(const std::vector<QemuBridgeTap>& taps)
    {
        if (taps.size() != scan_.bridge_nics.size()) {
            throw std::invalid_argument("rewrite_qemu_bridges: " + std::to_string(taps.size()) +
                                        " taps for " + std::to_string(scan_.bridge_nics.size()) +
                                        " bridge NICs");
        }
        for (std::size_t i = 0; i < taps.size(); ++i) {
            check_tap(scan_.bridge_nics[i], taps[i], i);
        }
        for (std::size_t i = 0; i < taps.size(); ++i) {
            const QemuBridgeNic& nic = scan_.bridge_nics[i];
            switch (nic.form) {
            case QemuBridgeForm::netdev: rewrite_netdev(nic, taps[i]); break;
            case QemuBridgeForm::nic: rewrite_nic(nic, taps[i]); break;
            case QemuBridgeForm::legacy_net: rewrite_legacy(nic, taps[i]); break;
            }
            if (nic.helper) {
                result_.notes.push_back(where(args_, nic.backend_index) + ": dropped helper=" +
                                        *nic.helper + " (taplaunch made the TAP on " +
                                        nic.bridge + " itself)");
            }
        }
        return std::move(result_);
    }

private:
    // Replaces the value of the option at `index` and notes it.
    void replace_value(std::size_t index, std::string value)
    {
        std::string& word = result_.args.at(index + 1);
        result_.notes.push_back(where(args_, index) + ": " + args_.at(index) + " " + word +
                                " -> " + args_.at(index) + " " + value);
        word = std::move(value);
    }

    // Adds parameters to the guest NIC's option (a -device or -net nic) and notes it.
    void add_to_guest_nic(std::size_t index, const std::vector<std::string>& parameters)
    {
        if (parameters.empty()) {
            return;
        }
        std::string value = result_.args.at(index + 1);
        std::string added;
        for (const std::string& parameter : parameters) {
            value = append_qemu_option_parameter(value, parameter);
            added += (added.empty() ? "" : ",") + parameter;
        }
        result_.notes.push_back(where(args_, index) + ": added " + added + " to " +
                                args_.at(index) + " " + args_.at(index + 1));
        result_.args.at(index + 1) = std::move(value);
    }

    void rewrite_netdev(const QemuBridgeNic& nic, const QemuBridgeTap& tap)
    {
        replace_value(nic.backend_index, "tap,id=" + nic.netdev_id + "," + qemu_tap_fd_parameters(tap.queue_fds, tap.vhost_fds));
        if (!nic.guest_nic_index) {
            result_.notes.push_back(where(args_, nic.backend_index) + ": no NIC uses netdev " +
                                    nic.netdev_id + " yet; a device added later should take mac=" +
                                    tap.guest_mac.to_string());
            return;
        }
        const std::size_t device = *nic.guest_nic_index;
        const std::string& value = args_.at(device + 1);
        const bool net_nic = args_.at(device) == "-net" || args_.at(device) == "--net";
        // -device is read with driver= implied; -net nic with type= implied.
        const auto parameters = parse_qemu_option_list(value, net_nic ? "type" : "driver");
        std::vector<std::string> added;
        if (!nic.mac) {
            added.push_back((net_nic ? "macaddr=" : "mac=") + tap.guest_mac.to_string());
        }
        // What several queues need (mq=on, vectors= where the model takes it), where the
        // -device does not say it already; an mq= that says no contradicts the TAP.
        for (const auto& [key, wanted] :
             qemu_multiqueue_device_parameters(nic.model.value_or(""), tap.queue_fds.size())) {
            const auto given = find_qemu_parameters(parameters, key);
            if (given.empty()) {
                added.push_back(key + "=" + wanted);
            } else if (key == "mq" && !is_qemu_true(given.back()->value)) {
                throw DefinitionError("QEMU argument " + std::to_string(device + 1) + " (" +
                                      args_.at(device) + " " + value + "): mq=" +
                                      given.back()->value + " but taplaunch opens " +
                                      std::to_string(tap.queue_fds.size()) +
                                      " queues (drop mq=, or ask for one queue)");
            }
        }
        add_to_guest_nic(device, added);
    }

    void rewrite_nic(const QemuBridgeNic& nic, const QemuBridgeTap& tap)
    {
        const std::string& value = args_.at(nic.backend_index + 1);
        std::string rewritten = "tap," + qemu_tap_fd_parameters(tap.queue_fds, tap.vhost_fds);
        for (const QemuOptionParameter& parameter : parse_qemu_option_list(value, "type")) {
            if (parameter.key != "type" && parameter.key != "br" && parameter.key != "helper") {
                rewritten += "," + parameter.text;
            }
        }
        if (!nic.mac) {
            rewritten += ",mac=" + tap.guest_mac.to_string();
        }
        replace_value(nic.backend_index, rewritten);
    }

    void rewrite_legacy(const QemuBridgeNic& nic, const QemuBridgeTap& tap)
    {
        const std::string& value = args_.at(nic.backend_index + 1);
        std::string rewritten = "tap," + qemu_tap_fd_parameters(tap.queue_fds, tap.vhost_fds);
        for (const QemuOptionParameter& parameter : parse_qemu_option_list(value, "type")) {
            if (parameter.key == "id" || parameter.key == "name") {
                rewritten += "," + parameter.text;
            }
        }
        replace_value(nic.backend_index, rewritten);
        if (!nic.mac) {
            add_to_guest_nic(*nic.guest_nic_index, {"macaddr=" + tap.guest_mac.to_string()});
        }
    }

    const std::vector<std::string>& args_;
    const QemuNetworkScan& scan_;
    QemuBridgeRewrite result_;
};

}  // namespace

QemuBridgeRewrite rewrite_qemu_bridges(const std::vector<std::string>& args,
                                       const QemuNetworkScan& scan,
                                       const std::vector<QemuBridgeTap>& taps)
{
    return Rewriter(args, scan).run(taps);
}

}  // namespace taplaunch
