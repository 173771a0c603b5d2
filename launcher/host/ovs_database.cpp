#include "host/ovs_database.hpp"

#include "host/program_output.hpp"
#include "launch_error.hpp"
#include "plan/owner_record.hpp"

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <cstdlib>

namespace taplaunch {

namespace {

// ovs-vsctl's own --timeout=5 bounds its wait for the database; this bounds the rest.
constexpr std::chrono::milliseconds ovs_vsctl_limit{15000};

std::string socket_path()
{
    const char* rundir = ::secure_getenv("OVS_RUNDIR");
    return std::string(rundir != nullptr && rundir[0] == '/' ? rundir : "/var/run/openvswitch") +
           "/db.sock";
}

std::optional<std::string> ovs_vsctl()
{
    return find_program("ovs-vsctl", {"/usr/bin", "/usr/sbin", "/usr/local/bin"});
}

const std::string not_installed =
    "ovs-vsctl is not installed (Debian: apt install openvswitch-switch)";

// Runs ovs-vsctl against the database; nullopt when it cannot be started.
std::optional<ProgramOutput> run_ovs_vsctl(const std::string& path, std::vector<std::string> args)
{
    args.insert(args.begin(), "--db=" + ovs_database_target());
    return run_program(path, args, ovs_vsctl_limit);
}

std::string failure_text(const std::optional<ProgramOutput>& output)
{
    if (!output) {
        return "ovs-vsctl could not be started";
    }
    if (output->status == 128 + 9) {
        return "ovs-vsctl did not answer in time";
    }
    return output->error.empty() ? "ovs-vsctl exited with status " + std::to_string(output->status)
                                 : output->error;
}

// The owner record on interface `name`: nullopt when there is no such row, "" for a row
// without one. Throws HostError when the database cannot say.
std::optional<std::string> interface_owner(const std::string& path, const std::string& name)
{
    const auto output = run_ovs_vsctl(path, {"--timeout=5", "--format=json",
                                             "--columns=external_ids", "find", "Interface",
                                             "name=\"" + name + "\""});
    if (!output || output->status != 0) {
        throw HostError(failure_text(output));
    }
    try {
        const nlohmann::json table = nlohmann::json::parse(output->out);
        for (const auto& row : table.at("data")) {
            for (const auto& pair : row.at(0).at(1)) {
                if (pair.at(0).get<std::string>() == ovs_owner_key) {
                    return pair.at(1).get<std::string>();
                }
            }
            return std::string();
        }
    } catch (const nlohmann::json::exception& error) {
        throw HostError(std::string("ovs-vsctl's answer is not what it should be: ") +
                        error.what());
    }
    return std::nullopt;
}

std::string access_hint()
{
    return " (is Open vSwitch running? taplaunch asks the database at " + socket_path() +
           ", which only root may normally use; set OVS_RUNDIR for another)";
}

}  // namespace

std::string ovs_database_target()
{
    return "unix:" + socket_path();
}

OvsBridgeFacts query_ovs_bridge(const std::string& name)
{
    const auto path = ovs_vsctl();
    if (!path) {
        return {OvsBridgeFacts::Answer::unreachable, not_installed};
    }
    const auto output = run_ovs_vsctl(*path, {"--timeout=5", "br-exists", name});
    if (output && output->status == 0) {
        return {OvsBridgeFacts::Answer::bridge, ""};
    }
    if (output && output->status == 2) {
        return {OvsBridgeFacts::Answer::not_a_bridge, ""};
    }
    return {OvsBridgeFacts::Answer::unreachable, failure_text(output) + access_hint()};
}

void add_ovs_port(const TapPlan& tap, const std::string& ifname)
{
    const auto path = ovs_vsctl();
    if (!path) {
        throw HostError(not_installed);
    }
    const auto output = run_ovs_vsctl(*path, ovs_add_port_args(tap, ifname));
    if (!output || output->status != 0) {
        throw HostError(failure_text(output));
    }
}

std::optional<std::vector<OvsPortRow>> list_taplaunch_ovs_ports(std::string* why)
{
    const auto say = [&](const std::string& text) {
        if (why != nullptr) {
            *why = text;
        }
        return std::nullopt;
    };
    const auto path = ovs_vsctl();
    if (!path) {
        return say(not_installed);
    }
    struct stat status {};
    if (::stat(socket_path().c_str(), &status) != 0) {
        return say("no Open vSwitch database at " + socket_path());
    }
    const auto output = run_ovs_vsctl(
        *path, {"--timeout=5", "--format=json", "--columns=name,external_ids", "list",
                "Interface"});
    if (!output || output->status != 0) {
        return say(failure_text(output) + access_hint());
    }
    std::vector<OvsPortRow> rows;
    try {
        // {"data":[["tap0",["map",[["key","value"],...]]],...],"headings":[...]}
        const nlohmann::json table = nlohmann::json::parse(output->out);
        for (const auto& row : table.at("data")) {
            OvsPortRow port;
            port.name = row.at(0).get<std::string>();
            for (const auto& pair : row.at(1).at(1)) {
                const std::string key = pair.at(0).get<std::string>();
                if (key == ovs_owner_key) {
                    port.owner_record = pair.at(1).get<std::string>();
                } else if (key == "iface-id") {
                    port.iface_id = pair.at(1).get<std::string>();
                }
            }
            if (!port.owner_record.empty()) {
                rows.push_back(std::move(port));
            }
        }
    } catch (const nlohmann::json::exception& error) {
        return say(std::string("ovs-vsctl's listing of interfaces is not what it should be: ") +
                   error.what());
    }
    for (OvsPortRow& row : rows) {
        const auto bridge = run_ovs_vsctl(*path, {"--timeout=5", "iface-to-br", row.name});
        if (bridge && bridge->status == 0) {
            row.bridge = bridge->out.substr(0, bridge->out.find('\n'));
        }
        const auto tag = run_ovs_vsctl(*path, {"--timeout=5", "get", "Port", row.name, "tag"});
        if (tag && tag->status == 0) {
            const std::string text = tag->out.substr(0, tag->out.find('\n'));
            if (!text.empty() && text != "[]") {
                row.vlan = static_cast<unsigned>(std::strtoul(text.c_str(), nullptr, 10));
            }
        }
    }
    return rows;
}

namespace {

// The lines of a successful ovs-vsctl answer. Throws HostError otherwise.
std::vector<std::string> answer_lines(const std::string& path, std::vector<std::string> args)
{
    const auto output = run_ovs_vsctl(path, std::move(args));
    if (!output || output->status != 0) {
        throw HostError(failure_text(output) + access_hint());
    }
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < output->out.size()) {
        const std::size_t end = std::min(output->out.find('\n', start), output->out.size());
        lines.push_back(output->out.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::string unquoted(std::string text)
{
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
        return text.substr(1, text.size() - 2);
    }
    return text;
}

}  // namespace

OvsBridgeContents read_ovs_bridge(const std::string& bridge)
{
    const auto path = ovs_vsctl();
    if (!path) {
        throw HostError(not_installed);
    }
    OvsBridgeContents contents;
    const auto datapath =
        answer_lines(*path, {"--timeout=5", "get", "Bridge", bridge, "datapath_type"});
    contents.datapath_type = datapath.empty() ? "" : unquoted(datapath.front());
    for (const std::string& port : answer_lines(*path, {"--timeout=5", "list-ports", bridge})) {
        OvsInterfaceFacts facts;
        facts.name = port;
        const auto output = run_ovs_vsctl(
            *path, {"--timeout=5", "--format=json", "--columns=ofport,error,external_ids", "find",
                    "Interface", "name=\"" + port + "\""});
        if (!output || output->status != 0) {
            throw HostError(failure_text(output));
        }
        try {
            const nlohmann::json table = nlohmann::json::parse(output->out);
            for (const auto& row : table.at("data")) {
                // Optional columns are ["set",[]] when empty.
                if (row.at(0).is_number()) {
                    facts.ofport = row.at(0).get<long long>();
                }
                if (row.at(1).is_string()) {
                    facts.error = row.at(1).get<std::string>();
                }
                for (const auto& pair : row.at(2).at(1)) {
                    const std::string key = pair.at(0).get<std::string>();
                    if (key == ovs_owner_key) {
                        facts.owner_record = pair.at(1).get<std::string>();
                    } else if (key == "iface-id") {
                        facts.iface_id = pair.at(1).get<std::string>();
                    }
                }
            }
        } catch (const nlohmann::json::exception& error) {
            throw HostError(std::string("ovs-vsctl's answer is not what it should be: ") +
                            error.what());
        }
        const auto settings = answer_lines(
            *path, {"--timeout=5", "--", "get", "Port", port, "tag", "--", "get", "Port", port,
                    "trunks", "--", "get", "Port", port, "protected"});
        if (settings.size() >= 3) {
            if (settings[0] != "[]") {
                facts.tag = static_cast<unsigned>(std::strtoul(settings[0].c_str(), nullptr, 10));
            }
            std::string trunks = settings[1];
            for (char& c : trunks) {
                if (c == '[' || c == ']' || c == ',') {
                    c = ' ';
                }
            }
            std::size_t start = 0;
            while ((start = trunks.find_first_of("0123456789", start)) != std::string::npos) {
                std::size_t end = 0;
                const unsigned long id = std::stoul(trunks.substr(start), &end);
                facts.trunks.push_back(static_cast<unsigned>(id));
                start += end;
            }
            facts.protected_port = settings[2] == "true";
        }
        contents.interfaces.push_back(std::move(facts));
    }
    return contents;
}

std::string ovs_remove_command(const std::string& bridge, const std::string& ifname)
{
    return "ovs-vsctl --if-exists del-port " + (bridge.empty() ? "" : bridge + " ") + ifname;
}

OvsRemoval remove_ovs_port(const std::string& bridge, const std::string& ifname,
                           const std::string& owner_record)
{
    using Outcome = OvsRemoval::Outcome;
    const std::string failed =
        "could not remove Open vSwitch port " + ifname + " from " + bridge + ": ";
    const std::string by_hand = " (if it is still this guest's, remove it with: " +
                                ovs_remove_command(bridge, ifname) + ")";
    const auto path = ovs_vsctl();
    if (!path) {
        return {Outcome::failed, failed + not_installed + by_hand};
    }
    // Whose the row is now: gone, another launch's (a later launch whose TAP got the same
    // name, as a %d template's lowest free number is handed out again at once, took it over
    // with --may-exist: that is how it should be), or someone else's.
    const auto judge = [&](const std::optional<std::string>& owner) -> OvsRemoval {
        if (!owner) {
            return {Outcome::absent, ""};
        }
        if (parse_owner_record(*owner)) {
            return {Outcome::taken_over, ""};
        }
        return {Outcome::left_alone,
                "left Open vSwitch port " + ifname + " alone: it no longer carries this "
                "guest's owner record (if nothing uses it, remove it with: " +
                    ovs_remove_command(bridge, ifname) + ")"};
    };
    // Looked at first; the removal checks the record again in the transaction that deletes
    // the row.
    std::optional<std::string> owner;
    try {
        owner = interface_owner(*path, ifname);
    } catch (const HostError& error) {
        return {Outcome::failed, failed + error.what() + by_hand};
    }
    if (!owner || *owner != owner_record) {
        return judge(owner);
    }
    const auto uuid = run_ovs_vsctl(*path, {"--timeout=5", "get", "Port", ifname, "_uuid"});
    if (!uuid || uuid->status != 0) {
        return {Outcome::failed, failed + failure_text(uuid) + by_hand};
    }
    const auto client = find_program("ovsdb-client", {"/usr/bin", "/usr/sbin", "/usr/local/bin"});
    if (!client) {
        return {Outcome::failed,
                failed + "ovsdb-client is not installed (Debian: openvswitch-common)" + by_hand};
    }
    const auto output = run_program(
        *client,
        {"transact", ovs_database_target(),
         ovs_remove_port_transaction(bridge, ifname, uuid->out.substr(0, uuid->out.find('\n')),
                                     owner_record)},
        ovs_vsctl_limit);
    if (!output || output->status != 0) {
        return {Outcome::failed, failed + failure_text(output) + by_hand};
    }
    // [{}, {"count": 1}] when removed; the wait's error when the record changed meanwhile.
    try {
        const nlohmann::json results = nlohmann::json::parse(output->out);
        if (results.at(0).contains("error")) {
            try {
                return judge(interface_owner(*path, ifname));
            } catch (const HostError& error) {
                return {Outcome::failed, failed + error.what() + by_hand};
            }
        }
        if (results.size() > 1 && results.at(1).is_object() && results.at(1).contains("error")) {
            return {Outcome::failed, failed + results.at(1).value("error", "") + by_hand};
        }
    } catch (const nlohmann::json::exception& error) {
        return {Outcome::failed,
                failed + "ovsdb-client's answer is not what it should be: " + error.what() +
                    by_hand};
    }
    return {Outcome::removed, ""};
}

}  // namespace taplaunch
