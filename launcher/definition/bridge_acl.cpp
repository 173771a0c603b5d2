#include "definition/bridge_acl.hpp"

#include "definition/blank.hpp"
#include "definition/nic_spec.hpp"
#include "launch_error.hpp"

namespace taplaunch {

namespace {

constexpr std::string_view line_forms =
    "a line is allow BRIDGE, allow all, deny BRIDGE, deny all, include /FILE or a # comment";

struct AclLine {
    enum class Kind { allow, deny, include } kind = Kind::allow;
    std::string argument;  // the bridge, "all", or the included file
};

[[noreturn]] void reject(const std::string& file, int line, const std::string& problem)
{
    throw DefinitionError("bridge ACL '" + file + "' line " + std::to_string(line) + ": " +
                          problem);
}

// One non-comment line: its command word and argument, checked.
AclLine parse_line(std::string_view content, const std::string& file, int line)
{
    std::size_t command_end = 0;
    while (command_end < content.size() && !is_blank(content[command_end])) {
        ++command_end;
    }
    const std::string_view command = content.substr(0, command_end);
    const std::string_view argument = trimmed(content.substr(command_end));
    AclLine parsed;
    if (command == "allow") {
        parsed.kind = AclLine::Kind::allow;
    } else if (command == "deny") {
        parsed.kind = AclLine::Kind::deny;
    } else if (command == "include") {
        parsed.kind = AclLine::Kind::include;
    } else {
        reject(file, line, "unknown command '" + std::string(command) + "' (" +
                               std::string(line_forms) + ")");
    }
    if (argument.empty()) {
        reject(file, line, "'" + std::string(command) + "' needs " +
                               (parsed.kind == AclLine::Kind::include
                                    ? "a file (include /etc/qemu/bridge.conf)"
                                    : "a bridge name or all (" + std::string(command) + " br0)"));
    }
    if (parsed.kind == AclLine::Kind::include) {
        if (argument.front() != '/') {
            reject(file, line, "include '" + std::string(argument) +
                                   "' is not an absolute path (write the whole path, e.g. "
                                   "include /etc/qemu/bridge.conf)");
        }
        if (argument.find('\0') != std::string_view::npos) {
            reject(file, line, "include path contains a NUL byte");
        }
        parsed.argument = argument;
        return parsed;
    }
    for (const char c : argument) {
        if (is_blank(c)) {
            reject(file, line, "'" + std::string(command) + " " + std::string(argument) +
                                   "' has more than one word (" + std::string(line_forms) + ")");
        }
    }
    if (argument != "all") {
        if (const auto problem = ifname_problem(argument, false)) {
            reject(file, line, "bridge name '" + std::string(argument) + "' " + *problem);
        }
    }
    parsed.argument = argument;
    return parsed;
}

// Calls `each(line_number, content)` for every line that is not blank or a comment.
template <typename Each>
void for_each_rule_line(std::string_view text, Each&& each)
{
    int number = 0;
    while (!text.empty()) {
        ++number;
        const std::size_t end = text.find('\n');
        const std::string_view raw = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        const std::string_view content = trimmed(raw);
        if (content.empty() || content.front() == '#') {
            continue;
        }
        each(number, content);
    }
}

BridgeAclRule rule_of(const AclLine& parsed, const std::string& file, int line, gid_t group)
{
    BridgeAclRule rule;
    rule.group = group;
    rule.allow = parsed.kind == AclLine::Kind::allow;
    if (parsed.argument != "all") {
        rule.bridge = parsed.argument;
    }
    rule.file = file;
    rule.line = line;
    return rule;
}

class AclReader {
public:
    explicit AclReader(const AclFileReader& read_file) : read_file_(read_file) {}

    // Appends the rules of `file`, whose contents are `contents`, included files in place.
    void read(const std::string& file, const AclFileContents& contents,
              std::vector<BridgeAclRule>& rules)
    {
        open_files_.push_back(file);
        for_each_rule_line(contents.text, [&](int line, std::string_view content) {
            const AclLine parsed = parse_line(content, file, line);
            if (parsed.kind != AclLine::Kind::include) {
                rules.push_back(rule_of(parsed, file, line, contents.group));
                return;
            }
            for (const std::string& open : open_files_) {
                if (open == parsed.argument) {
                    reject(file, line, "include '" + parsed.argument +
                                           "' is already being read (an include cycle: remove "
                                           "this line)");
                }
            }
            if (open_files_.size() >= static_cast<std::size_t>(max_bridge_acl_depth)) {
                reject(file, line, "includes nest deeper than " +
                                       std::to_string(max_bridge_acl_depth) +
                                       " files (flatten them)");
            }
            const std::optional<AclFileContents> included = read_file_(parsed.argument);
            if (!included) {
                reject(file, line, "include '" + parsed.argument +
                                       "' does not exist (create it, or remove the line)");
            }
            read(parsed.argument, *included, rules);
        });
        open_files_.pop_back();
    }

private:
    const AclFileReader& read_file_;
    std::vector<std::string> open_files_;
};

}  // namespace

std::string BridgeAclRule::text() const
{
    return std::string(allow ? "allow " : "deny ") + bridge.value_or("all");
}

std::string BridgeAclRule::where() const
{
    return "'" + file + "' line " + std::to_string(line) +
           (group != 0 ? " (for group " + std::to_string(group) + ")" : "");
}

std::vector<BridgeAclRule> parse_bridge_acl_text(std::string_view text, const std::string& file,
                                                 gid_t group)
{
    std::vector<BridgeAclRule> rules;
    for_each_rule_line(text, [&](int line, std::string_view content) {
        const AclLine parsed = parse_line(content, file, line);
        if (parsed.kind != AclLine::Kind::include) {
            rules.push_back(rule_of(parsed, file, line, group));
        }
    });
    return rules;
}

BridgeAcl parse_bridge_acl(const std::string& path, const AclFileReader& read_file)
{
    BridgeAcl acl;
    acl.path = path;
    const std::optional<AclFileContents> contents = read_file(path);
    if (!contents) {
        return acl;
    }
    acl.exists = true;
    AclReader reader(read_file);
    reader.read(path, *contents, acl.rules);
    return acl;
}

BridgeAclDecision decide_bridge_access(const BridgeAcl& acl, std::string_view bridge,
                                       gid_t caller_group)
{
    if (!acl.exists) {
        return {false, "'" + acl.path + "' does not exist, so no bridge is allowed"};
    }
    const BridgeAclRule* allowed_by = nullptr;
    for (const BridgeAclRule& rule : acl.rules) {
        if ((rule.bridge && *rule.bridge != bridge) ||
            (rule.group != 0 && rule.group != caller_group)) {
            continue;
        }
        if (!rule.allow) {
            return {false, "denied by " + rule.where() + " (" + rule.text() + ")"};
        }
        if (!allowed_by) {
            allowed_by = &rule;
        }
    }
    if (!allowed_by) {
        return {false, "no line of '" + acl.path + "' allows it"};
    }
    return {true, "allowed by " + allowed_by->where() + " (" + allowed_by->text() + ")"};
}

}  // namespace taplaunch
