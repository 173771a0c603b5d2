#include "tools/netfilter_chains.hpp"

#include "host/program_output.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>
#include <utility>

namespace taplaunch {

namespace {

constexpr auto tool_time_limit = std::chrono::milliseconds(3000);

std::vector<std::string> words_of(const std::string& line)
{
    std::istringstream stream(line);
    std::vector<std::string> words;
    for (std::string word; stream >> word;) {
        words.push_back(word);
    }
    return words;
}

std::string unquoted(std::string word)
{
    if (word.size() >= 2 && word.front() == '"' && word.back() == '"') {
        return word.substr(1, word.size() - 2);
    }
    return word;
}

// An nft rule that accepts what enters through `bridge`: it matches the bridge as input
// (iifname, or the bridge family's ibrname) and its verdict is accept.
bool nft_rule_accepts(const std::string& rule, const std::string& bridge)
{
    const std::vector<std::string> words = words_of(rule);
    if (words.empty() || words.back() != "accept") {
        return false;
    }
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        if ((words[i] == "iifname" || words[i] == "ibrname") && unquoted(words[i + 1]) == bridge) {
            return true;
        }
    }
    return false;
}

std::string nft_fix(const std::string& family, const std::string& table, const std::string& chain,
                    const std::string& bridge)
{
    if (table == "filter" && chain == "FORWARD" && (family == "ip" || family == "ip6")) {
        // The layout iptables-nft makes (Docker's): keep to its syntax.
        return std::string(family == "ip" ? "iptables-nft" : "ip6tables-nft") + " -I FORWARD -i " +
               bridge + " -o " + bridge + " -j ACCEPT";
    }
    if (family == "bridge") {
        return "nft insert rule bridge " + table + " " + chain + " meta ibrname " + bridge +
               " accept";
    }
    return "nft insert rule " + family + " " + table + " " + chain + " iifname " + bridge +
           " oifname " + bridge + " accept";
}

std::optional<bool> read_sysctl_flag(const std::string& path)
{
    std::ifstream file(path);
    int value = 0;
    if (!(file >> value)) {
        return std::nullopt;
    }
    return value != 0;
}

bool table_listed(const std::string& names_path, const std::string& table)
{
    std::ifstream names(names_path);
    std::string name;
    while (std::getline(names, name)) {
        if (name == table) {
            return true;
        }
    }
    return false;
}

// Runs `tool args...` and hands its output to `parse`; what fails goes to `unreadable`.
template <typename Parse>
bool read_with(const std::string& tool, const std::vector<std::string>& args,
               NetfilterSnapshot& netfilter, Parse&& parse)
{
    // nft and iptables live in /usr/sbin and /sbin, often outside an ordinary user's PATH.
    const auto path = find_program(tool, {"/usr/sbin", "/sbin"});
    if (!path) {
        return false;
    }
    std::string command = tool;
    for (const std::string& arg : args) {
        command += " " + arg;
    }
    const auto output = run_program(*path, args, tool_time_limit);
    if (!output || output->status != 0) {
        std::string why = !output ? std::string("cannot run it")
                                  : (output->error.empty() ? "exit status " + std::to_string(output->status)
                                                           : output->error);
        netfilter.unreadable.push_back(command + ": " + why);
        return true;
    }
    parse(output->out);
    return true;
}

}  // namespace

std::vector<ForwardChain> parse_nft_ruleset(const std::string& listing, const std::string& bridge)
{
    struct Chain {
        std::string family, table, name, policy = "accept";
        bool forward = false;
    };
    std::vector<Chain> chains;
    // Per table (family + name): the rules that accept the bridge's traffic.
    std::vector<std::pair<std::string, std::string>> accepting;  // (family table, rule)
    std::istringstream lines(listing);
    std::string line;
    int depth = 0;
    std::string family, table;
    Chain* chain = nullptr;
    while (std::getline(lines, line)) {
        const std::vector<std::string> words = words_of(line);
        if (depth == 0 && words.size() >= 3 && words[0] == "table") {
            family = words[1];
            table = words[2];
        } else if (depth == 1 && words.size() >= 2 && words[0] == "chain") {
            chains.push_back({family, table, words[1]});
            chain = &chains.back();
        } else if (depth == 2 && chain) {
            if (line.find("hook forward") != std::string::npos) {
                chain->forward = true;
                const std::size_t policy = line.find("policy ");
                if (policy != std::string::npos) {
                    std::string value = line.substr(policy + 7);
                    value = value.substr(0, value.find_first_of("; "));
                    chain->policy = value;
                }
            } else if (nft_rule_accepts(line, bridge)) {
                std::string rule = line.substr(line.find_first_not_of(" \t"));
                accepting.emplace_back(family + " " + table, rule);
            }
        }
        // Braces outside quotes open and close blocks (tables, chains, sets).
        bool quoted = false;
        for (const char c : line) {
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '{') {
                ++depth;
            } else if (!quoted && c == '}') {
                depth = std::max(0, depth - 1);
                if (depth < 2) {
                    chain = nullptr;
                }
            }
        }
    }
    std::vector<ForwardChain> result;
    for (const Chain& found : chains) {
        if (!found.forward) {
            continue;
        }
        std::vector<std::string> families;
        if (found.family == "ip") {
            families = {"IPv4"};
        } else if (found.family == "ip6") {
            families = {"IPv6"};
        } else if (found.family == "inet") {
            families = {"IPv4", "IPv6"};
        } else if (found.family == "bridge") {
            families = {"bridge"};
        } else {
            continue;  // arp, netdev: no forward hook that bridged IP traffic meets
        }
        for (const std::string& chain_family : families) {
            ForwardChain forward;
            forward.family = chain_family;
            forward.where = "nft table " + found.family + " " + found.table + " chain " + found.name;
            forward.policy = found.policy;
            for (const auto& [where, rule] : accepting) {
                if (where == found.family + " " + found.table) {
                    forward.accepting_rules.push_back(rule);
                }
            }
            forward.fix = nft_fix(found.family, found.table, found.name, bridge);
            result.push_back(std::move(forward));
        }
    }
    return result;
}

std::vector<ForwardChain> parse_iptables_rules(const std::string& listing, const std::string& tool,
                                               const std::string& family, const std::string& bridge)
{
    ForwardChain forward;
    forward.family = family;
    forward.where = tool + " chain FORWARD";
    forward.policy = "accept";
    forward.fix = tool + " -I FORWARD -i " + bridge + " -o " + bridge + " -j ACCEPT";
    bool found = false;
    std::istringstream lines(listing);
    std::string line;
    while (std::getline(lines, line)) {
        const std::vector<std::string> words = words_of(line);
        if (words.size() >= 3 && words[0] == "-P" && words[1] == "FORWARD") {
            found = true;
            forward.policy = words[2];
            std::transform(forward.policy.begin(), forward.policy.end(), forward.policy.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        }
        if (words.size() < 2 || words[0] != "-A" || words.back() != "ACCEPT") {
            continue;
        }
        for (std::size_t i = 0; i + 1 < words.size(); ++i) {
            if (words[i] == "-i" && words[i + 1] == bridge &&
                !(i > 0 && words[i - 1] == "!")) {
                forward.accepting_rules.push_back(line);
                break;
            }
        }
    }
    if (!found) {
        return {};
    }
    return {forward};
}

NetfilterSnapshot read_netfilter(const std::string& bridge)
{
    NetfilterSnapshot netfilter;
    std::error_code ignored;
    netfilter.br_netfilter = std::filesystem::is_directory("/proc/sys/net/bridge", ignored);
    netfilter.call_iptables = read_sysctl_flag("/proc/sys/net/bridge/bridge-nf-call-iptables");
    netfilter.call_ip6tables = read_sysctl_flag("/proc/sys/net/bridge/bridge-nf-call-ip6tables");

    const auto add = [&](std::vector<ForwardChain> chains) {
        for (ForwardChain& chain : chains) {
            netfilter.chains.push_back(std::move(chain));
        }
    };
    // nftables, with the tables iptables-nft makes.
    if (!read_with("nft", {"list", "ruleset"}, netfilter,
                   [&](const std::string& out) { add(parse_nft_ruleset(out, bridge)); })) {
        bool any = false;
        for (const auto& tool_family : {std::pair<std::string, std::string>{"iptables-nft", "IPv4"},
                                        {"ip6tables-nft", "IPv6"}}) {
            // Named copies: a lambda may not capture structured bindings before clang 16.
            const std::string& tool = tool_family.first;
            const std::string& family = tool_family.second;
            any |= read_with(tool, {"-t", "filter", "-S"}, netfilter, [&](const std::string& out) {
                add(parse_iptables_rules(out, tool, family, bridge));
            });
        }
        if (!any) {
            netfilter.unreadable.push_back(
                "neither nft nor iptables-nft is installed, so nftables' FORWARD chains are "
                "unknown (apt-get install nftables)");
        }
    }
    // Legacy iptables: only a filter table that exists (listing one would create it).
    for (const auto& legacy : {std::tuple<std::string, std::string, std::string>{
                                   "iptables-legacy", "IPv4", "/proc/net/ip_tables_names"},
                               {"ip6tables-legacy", "IPv6", "/proc/net/ip6_tables_names"}}) {
        const std::string& tool = std::get<0>(legacy);
        const std::string& family = std::get<1>(legacy);
        const std::string& names = std::get<2>(legacy);
        if (!table_listed(names, "filter")) {
            continue;
        }
        if (!read_with(tool, {"-t", "filter", "-S"}, netfilter, [&](const std::string& out) {
                add(parse_iptables_rules(out, tool, family, bridge));
            })) {
            netfilter.unreadable.push_back("a legacy " + family + " filter table exists but " + tool +
                                           " is not installed to read it (apt-get install iptables)");
        }
    }
    return netfilter;
}

}  // namespace taplaunch
