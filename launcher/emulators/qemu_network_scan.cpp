#include "emulators/qemu_network_scan.hpp"

#include "emulators/qemu_command_line.hpp"
#include "emulators/qemu_json_option.hpp"
#include "emulators/qemu_models.hpp"
#include "emulators/qemu_option_list.hpp"
#include "launch_error.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>

namespace taplaunch {

namespace {

// QEMU's default for br= (net/tap.c, DEFAULT_BRIDGE_INTERFACE).
constexpr std::string_view default_bridge = "br0";

const std::string supported_forms =
    "taplaunch takes over -nic bridge[,br=BR][,model=M][,mac=MAC], -netdev bridge,id=ID[,br=BR] "
    "with -device MODEL,netdev=ID[,mac=MAC], or one -net nic with one -net bridge";

// An option of the command line with its value read as an option list.
struct ListOption {
    const QemuArgument* argument = nullptr;
    std::vector<QemuOptionParameter> parameters;
};

// Options whose value is an option list that can define ids, and the key QEMU implies for a
// leading bare value (empty: none).
struct IdOption {
    std::string_view name;
    std::string_view implied_key;
    bool json_allowed;  // QEMU 7.2 also reads a JSON object there
};
constexpr std::array id_options = std::to_array<IdOption>({
    {"netdev", "type", true},
    {"nic", "type", false},
    {"net", "type", false},
    {"device", "driver", true},
    {"object", "qom-type", true},
    {"blockdev", "driver", true},
    {"audiodev", "driver", true},
    {"chardev", "backend", false},
    {"drive", "", false},
    {"fsdev", "fsdriver", false},
    {"virtfs", "fsdriver", false},
    {"tpmdev", "type", false},
    {"mon", "chardev", false},
    {"iscsi", "", false},
});

const IdOption* find_id_option(std::string_view name)
{
    const auto found = std::find_if(id_options.begin(), id_options.end(),
                                    [name](const IdOption& o) { return o.name == name; });
    return found == id_options.end() ? nullptr : &*found;
}

// The value QEMU uses for `key`: QemuOpts reads the last one given.
std::optional<std::string> last_value(const std::vector<QemuOptionParameter>& parameters,
                                      std::string_view key)
{
    const auto found = find_qemu_parameters(parameters, key);
    if (found.empty()) {
        return std::nullopt;
    }
    return found.back()->value;
}

// QEMU takes the first id= of an option list as its id (opts_parse_id).
std::optional<std::string> list_id(const std::vector<QemuOptionParameter>& parameters)
{
    for (const QemuOptionParameter& parameter : parameters) {
        if (parameter.key == "id" && !parameter.implied) {
            return parameter.value;
        }
    }
    return std::nullopt;
}

class Scanner {
public:
    Scanner(const std::vector<std::string>& args, const QemuOptionSet& options)
        : args_(args), options_(options)
    {
    }

    QemuNetworkScan run()
    {
        arguments_ = split_qemu_arguments(args_, options_);
        for (const QemuArgument& argument : arguments_) {
            read(argument);
        }
        if (!bridge_netdevs_.empty() || !bridge_nics_.empty() || !net_bridges_.empty() ||
            options_.from_binary()) {
            check_no_unknown_options();
        }
        check_sets();
        for (const ListOption& netdev : bridge_netdevs_) {
            scan_.bridge_nics.push_back(netdev_nic(netdev));
        }
        for (const ListOption& nic : bridge_nics_) {
            scan_.bridge_nics.push_back(nic_nic(nic));
        }
        if (!net_bridges_.empty()) {
            scan_.bridge_nics.push_back(legacy_nic());
        }
        std::sort(scan_.bridge_nics.begin(), scan_.bridge_nics.end(),
                  [](const QemuBridgeNic& a, const QemuBridgeNic& b) {
                      return a.backend_index < b.backend_index;
                  });
        return std::move(scan_);
    }

private:
    [[noreturn]] void fail(const QemuArgument& argument, const std::string& problem) const
    {
        throw DefinitionError(describe_qemu_argument(args_, argument) + ": " + problem);
    }

    const std::string& value_of(const QemuArgument& argument) const
    {
        return args_[*argument.value_index];
    }

    void read(const QemuArgument& argument)
    {
        if (argument.kind == QemuArgument::Kind::unknown_option) {
            unknown_options_.push_back(&argument);
            return;
        }
        if (argument.kind != QemuArgument::Kind::option || !argument.value_index) {
            return;
        }
        const std::string& value = value_of(argument);
        if (argument.name == "name") {
            // QEMU merges every -name; the last guest= (or leading bare value) counts.
            if (auto guest = last_value(parse_qemu_option_list(value, "guest"), "guest")) {
                scan_.guest_name = std::move(guest);
            }
            return;
        }
        if (argument.name == "readconfig") {
            scan_.notes.push_back(describe_qemu_argument(args_, argument) +
                                  ": not looked into; bridge NICs in config files stay QEMU's");
            return;
        }
        if (argument.name == "set") {
            sets_.push_back(&argument);
            return;
        }
        const IdOption* id_option = find_id_option(argument.name);
        if (id_option == nullptr) {
            return;
        }
        if (id_option->json_allowed && is_qemu_json_option(value)) {
            read_json(argument, value);
            return;
        }
        ListOption option{&argument, parse_qemu_option_list(value, id_option->implied_key)};
        read_list(option);
    }

    void read_json(const QemuArgument& argument, const std::string& value)
    {
        const auto members = json_object_string_members(value);
        if (!members) {
            // QEMU would refuse it too; but an object read wrongly could hide a bridge or an id.
            fail(argument, "not JSON taplaunch can read (QEMU reads one object with strings in "
                           "\"...\" or '...': fix the JSON, or write the option as key=value,...)");
        }
        for (const char* key : {"id", "node-name"}) {
            if (const auto found = members->find(key); found != members->end()) {
                scan_.ids_in_use.insert(found->second);
            }
        }
        const auto type = members->find("type");
        const auto netdev = members->find("netdev");
        if (argument.name == "netdev") {
            if (type != members->end() && type->second == "bridge") {
                fail(argument, "a bridge netdev in JSON syntax is not taken over (write it as "
                               "-netdev bridge,id=ID,br=BR)");
            }
            if (const auto id = members->find("id"); id != members->end()) {
                ++netdev_id_count_[id->second];
            }
            if (type != members->end() && type->second == "hubport" && netdev != members->end()) {
                consumers_[netdev->second].push_back({&argument, Consumer::Kind::hubport, {}});
            }
        } else if (argument.name == "device" && netdev != members->end()) {
            consumers_[netdev->second].push_back({&argument, Consumer::Kind::json_device, {}});
        }
    }

    void read_list(ListOption& option)
    {
        const QemuArgument& argument = *option.argument;
        const auto id = list_id(option.parameters);
        if (id) {
            scan_.ids_in_use.insert(*id);
        }
        for (const QemuOptionParameter* node_name : find_qemu_parameters(option.parameters,
                                                                         "node-name")) {
            scan_.ids_in_use.insert(node_name->value);
        }
        const auto type = last_value(option.parameters, "type");
        if (argument.name == "netdev") {
            if (id) {
                ++netdev_id_count_[*id];
            }
            if (type == "bridge") {
                bridge_netdevs_.push_back(option);
            } else if (type == "hubport") {
                if (auto netdev = last_value(option.parameters, "netdev")) {
                    consumers_[*netdev].push_back({&argument, Consumer::Kind::hubport, {}});
                }
            }
        } else if (argument.name == "nic") {
            if (id) {
                ++netdev_id_count_[*id];
            }
            if (type == "bridge") {
                bridge_nics_.push_back(option);
            }
        } else if (argument.name == "net") {
            for (const QemuOptionParameter* name : find_qemu_parameters(option.parameters,
                                                                        "name")) {
                scan_.ids_in_use.insert(name->value);
            }
            if (type == "bridge") {
                net_bridges_.push_back(option);
            } else if (type == "nic") {
                if (auto netdev = last_value(option.parameters, "netdev")) {
                    consumers_[*netdev].push_back(
                        {&argument, Consumer::Kind::net_nic, option.parameters});
                } else {
                    hub_nics_.push_back(option);
                }
            }
        } else if (argument.name == "device") {
            if (auto netdev = last_value(option.parameters, "netdev")) {
                consumers_[*netdev].push_back(
                    {&argument, Consumer::Kind::device, option.parameters});
            }
        }
    }

    void check_no_unknown_options() const
    {
        if (unknown_options_.empty()) {
            return;
        }
        if (!options_.from_binary()) {
            const QemuArgument& unknown = *unknown_options_.front();
            fail(unknown, options_.unknown_option_problem() +
                              ", so taplaunch cannot tell whether the next word is its value "
                              "(remove it, or put the NIC on the bridge with taplaunch --nic "
                              "bridge=BR instead of QEMU's bridge form)");
        }
        // That QEMU would stop at each of them: say so for every one.
        std::vector<std::string> lines;
        for (const QemuArgument* unknown : unknown_options_) {
            lines.push_back(describe_qemu_argument(args_, *unknown) + ": " +
                            options_.unknown_option_problem() + ": " +
                            options_.unknown_option_fix(unknown->name));
        }
        throw DefinitionProblems(lines);
    }

    // -set GROUP.ID.PROP=VALUE could turn a NIC into a bridge NIC or change one behind the
    // rewrite's back.
    void check_sets() const
    {
        std::set<std::string> bridge_ids;
        for (const auto* forms : {&bridge_netdevs_, &bridge_nics_, &net_bridges_}) {
            for (const ListOption& option : *forms) {
                if (auto id = list_id(option.parameters)) {
                    bridge_ids.insert(*id);
                }
            }
        }
        for (const QemuArgument* set : sets_) {
            const std::string& value = value_of(*set);
            const std::size_t first_dot = value.find('.');
            const std::size_t second_dot =
                first_dot == std::string::npos ? std::string::npos : value.find('.', first_dot + 1);
            const std::size_t equals =
                second_dot == std::string::npos ? std::string::npos : value.find('=', second_dot);
            if (equals == std::string::npos) {
                continue;  // QEMU rejects it
            }
            const std::string group = value.substr(0, first_dot);
            const std::string id = value.substr(first_dot + 1, second_dot - first_dot - 1);
            const std::string property = value.substr(second_dot + 1, equals - second_dot - 1);
            const std::string assigned = value.substr(equals + 1);
            const bool network_group = group == "netdev" || group == "net" || group == "nic";
            if ((network_group &&
                 (bridge_ids.contains(id) || (property == "type" && assigned == "bridge"))) ||
                (group == "device" && property == "netdev" && bridge_ids.contains(assigned))) {
                fail(*set, "-set on a bridge NIC is not taken over (write the setting into the "
                           "-netdev, -nic or -device option itself)");
            }
        }
    }

    // Fails unless every key is one of `allowed` and none of them is given twice.
    void check_keys(const ListOption& option, std::initializer_list<std::string_view> allowed,
                    std::string_view form, std::string_view allowed_text) const
    {
        std::map<std::string, int> seen;
        for (const QemuOptionParameter& parameter : option.parameters) {
            if (std::find(allowed.begin(), allowed.end(), parameter.key) == allowed.end()) {
                fail(*option.argument, std::string(form) + " has no option '" + parameter.key +
                                           "' that taplaunch can honour (QEMU 7.2 takes " +
                                           std::string(allowed_text) + "; remove it)");
            }
            if (++seen[parameter.key] == 2) {
                fail(*option.argument, "'" + parameter.key + "' is given twice (keep one)");
            }
        }
    }

    std::optional<MacAddress> read_mac(const QemuArgument& argument,
                                       const std::vector<QemuOptionParameter>& parameters,
                                       std::string_view key) const
    {
        const auto found = find_qemu_parameters(parameters, key);
        if (found.empty()) {
            return std::nullopt;
        }
        if (found.size() > 1) {
            fail(argument, "'" + std::string(key) + "' is given twice (keep one)");
        }
        // QEMU takes ':' or '-' between the bytes.
        std::string text = found.front()->value;
        std::replace(text.begin(), text.end(), '-', ':');
        const auto mac = MacAddress::parse(text);
        if (!mac) {
            fail(argument, std::string(key) + "=" + found.front()->value +
                               " is not a MAC address (write it as 52:54:00:12:34:56)");
        }
        if (mac->is_multicast() || mac->is_zero()) {
            fail(argument, std::string(key) + "=" + found.front()->value +
                               " is not a unicast address (a NIC needs one whose first byte "
                               "is even, not all zeros)");
        }
        return mac;
    }

    // -nic and -net nic read model=virtio as virtio-net-pci (QEMU 7.2, checked with
    // `info network`).
    static std::optional<std::string> nic_model(const std::vector<QemuOptionParameter>& parameters)
    {
        const auto model = last_value(parameters, "model");
        return model ? std::optional(qemu_device_model(*model)) : std::nullopt;
    }

    static std::string bridge_of(const std::vector<QemuOptionParameter>& parameters)
    {
        return last_value(parameters, "br").value_or(std::string(default_bridge));
    }

    void check_bridge_name(const ListOption& option) const
    {
        if (last_value(option.parameters, "br") == "") {
            fail(*option.argument, "br= is empty (name the bridge, or drop br= for br0)");
        }
    }

    QemuBridgeNic netdev_nic(const ListOption& netdev)
    {
        const QemuArgument& argument = *netdev.argument;
        check_keys(netdev, {"type", "id", "br", "helper"}, "-netdev bridge",
                   "id=, br= and helper=");
        check_bridge_name(netdev);
        const auto id = list_id(netdev.parameters);
        if (!id || id->empty()) {
            fail(argument, "a bridge netdev needs id= (QEMU requires it; the NIC names it: "
                           "-netdev bridge,id=n0,br=BR -device MODEL,netdev=n0)");
        }
        if (netdev_id_count_.at(*id) > 1) {
            fail(argument, "netdev id '" + *id + "' is defined more than once (give each "
                           "-netdev and -nic its own id)");
        }
        QemuBridgeNic nic;
        nic.form = QemuBridgeForm::netdev;
        nic.bridge = bridge_of(netdev.parameters);
        nic.helper = last_value(netdev.parameters, "helper");
        nic.netdev_id = *id;
        nic.backend_index = argument.index;
        const auto consumers = consumers_.find(*id);
        if (consumers == consumers_.end()) {
            return nic;  // nothing uses it now: a device_add later may
        }
        if (consumers->second.size() > 1) {
            fail(*consumers->second[1].argument,
                 "netdev '" + *id + "' is already used by " +
                     describe_qemu_argument(args_, *consumers->second[0].argument) +
                     " (QEMU gives a netdev to one NIC: give each NIC its own -netdev bridge)");
        }
        const Consumer& consumer = consumers->second.front();
        const QemuArgument& user = *consumer.argument;
        switch (consumer.kind) {
        case Consumer::Kind::json_device:
            fail(user, "a -device in JSON syntax uses bridge netdev '" + *id +
                           "', which is not taken over (write that -device as "
                           "MODEL,netdev=" + *id + ",mac=MAC)");
        case Consumer::Kind::hubport:
            fail(user, "bridge netdev '" + *id + "' behind a hub is not taken over (" +
                           supported_forms + ")");
        case Consumer::Kind::device: {
            nic.guest_nic_index = user.index;
            nic.mac = read_mac(user, consumer.parameters, "mac");
            nic.model = last_value(consumer.parameters, "driver");
            nic.guest_nic_is_device = true;
            break;
        }
        case Consumer::Kind::net_nic:
            nic.guest_nic_index = user.index;
            nic.mac = read_mac(user, consumer.parameters, "macaddr");
            nic.model = nic_model(consumer.parameters);
            break;
        }
        return nic;
    }

    QemuBridgeNic nic_nic(const ListOption& option)
    {
        check_keys(option, {"type", "id", "br", "helper", "model", "mac"}, "-nic bridge",
                   "id=, br=, helper=, model= and mac=");
        check_bridge_name(option);
        QemuBridgeNic nic;
        nic.form = QemuBridgeForm::nic;
        nic.bridge = bridge_of(option.parameters);
        nic.helper = last_value(option.parameters, "helper");
        nic.netdev_id = list_id(option.parameters).value_or("");
        if (!nic.netdev_id.empty() && netdev_id_count_.at(nic.netdev_id) > 1) {
            fail(*option.argument, "netdev id '" + nic.netdev_id + "' is defined more than once "
                                   "(give each -netdev and -nic its own id)");
        }
        nic.mac = read_mac(*option.argument, option.parameters, "mac");
        nic.model = nic_model(option.parameters);
        nic.backend_index = option.argument->index;
        return nic;
    }

    // QEMU puts every -net on hub 0: NICs and backends are not paired, so only one NIC and one
    // bridge on it can be taken over as a pair.
    QemuBridgeNic legacy_nic()
    {
        const ListOption& bridge = net_bridges_.front();
        if (net_bridges_.size() > 1) {
            fail(*net_bridges_[1].argument, "a second -net bridge on QEMU's one hub is not "
                                            "taken over (" + supported_forms + ")");
        }
        if (hub_nics_.size() != 1) {
            fail(*bridge.argument, std::string(hub_nics_.empty() ? "no -net nic" :
                                                                   "several -net nic") +
                                       " on the hub with this -net bridge (" + supported_forms +
                                       ")");
        }
        check_keys(bridge, {"type", "id", "name", "br", "helper"}, "-net bridge",
                   "id=, name=, br= and helper=");
        check_bridge_name(bridge);
        const ListOption& hub_nic = hub_nics_.front();
        QemuBridgeNic nic;
        nic.form = QemuBridgeForm::legacy_net;
        nic.bridge = bridge_of(bridge.parameters);
        nic.helper = last_value(bridge.parameters, "helper");
        nic.netdev_id = list_id(bridge.parameters).value_or("");
        nic.backend_index = bridge.argument->index;
        nic.guest_nic_index = hub_nic.argument->index;
        nic.mac = read_mac(*hub_nic.argument, hub_nic.parameters, "macaddr");
        nic.model = nic_model(hub_nic.parameters);
        return nic;
    }

    struct Consumer {
        enum class Kind { device, json_device, net_nic, hubport };
        const QemuArgument* argument = nullptr;
        Kind kind = Kind::device;
        std::vector<QemuOptionParameter> parameters;
    };

    const std::vector<std::string>& args_;
    const QemuOptionSet& options_;
    std::vector<QemuArgument> arguments_;
    QemuNetworkScan scan_;
    std::vector<const QemuArgument*> unknown_options_;
    std::vector<const QemuArgument*> sets_;
    std::vector<ListOption> bridge_netdevs_;
    std::vector<ListOption> bridge_nics_;
    std::vector<ListOption> net_bridges_;
    std::vector<ListOption> hub_nics_;
    std::map<std::string, std::vector<Consumer>> consumers_;  // by the netdev id they use
    std::map<std::string, int> netdev_id_count_;              // -netdev and -nic ids
};

}  // namespace

bool supports_multiqueue(const QemuBridgeNic& nic)
{
    return nic.form == QemuBridgeForm::netdev && nic.guest_nic_is_device &&
           is_virtio_net_model(nic.model.value_or(""));
}

bool supports_vhost(const QemuBridgeNic& nic)
{
    return nic.form != QemuBridgeForm::legacy_net;
}

QemuNetworkScan scan_qemu_arguments(const std::vector<std::string>& args,
                                    const QemuOptionSet& options)
{
    return Scanner(args, options).run();
}

}  // namespace taplaunch
