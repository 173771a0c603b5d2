#pragma once
// BridgeAcl: the bridges an ordinary user may attach TAPs to when taplaunch holds a capability
// the user lacks. The format is qemu-bridge-helper's (/etc/qemu/bridge.conf), so one file can
// serve both: `allow BRIDGE`, `allow all`, `deny BRIDGE`, `deny all`, `include /ABSOLUTE/FILE`
// and `#` comments, one to a line. A deny wins over an allow wherever it stands; a bridge that
// no line allows is denied; so is every bridge when the file does not exist. As in QEMU, the
// lines of a file whose group is not root apply only to callers of that group (their real
// gid), so that a file per group can list that group's bridges.

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace taplaunch {

struct BridgeAclRule {
    bool allow = false;                 // allow (true) or deny (false)
    std::optional<std::string> bridge;  // nullopt: all
    std::string file;                   // where the line stands
    int line = 0;                       // 1-based
    gid_t group = 0;                    // the file's group: 0 applies to every caller, another
                                        // only to callers whose real gid it is
    // "allow br0", "deny all": the line as a rule.
    std::string text() const;
    // "'FILE' line N".
    std::string where() const;
};

struct BridgeAcl {
    std::string path;                  // the top file
    bool exists = false;               // false: the file does not exist, nothing is allowed
    std::vector<BridgeAclRule> rules;  // in reading order, included files in place
};

// One ACL file as read.
struct AclFileContents {
    std::string text;
    gid_t group = 0;  // the file's group (st_gid)
};

// Reads one ACL file: its contents, or nullopt when it does not exist. Throws DefinitionError
// when it exists but cannot be used (unreadable, not a regular file, writable by others).
// The one that reads the file system is read_bridge_acl_file (host/definition_files.hpp).
using AclFileReader = std::function<std::optional<AclFileContents>(const std::string& path)>;

// How deep includes may nest (qemu-bridge-helper has no limit and recurses forever on a cycle).
inline constexpr int max_bridge_acl_depth = 8;
// The largest ACL file taplaunch reads.
inline constexpr std::size_t max_bridge_acl_bytes = 1 << 20;

// Parses the ACL whose top file is `path`, reading it and what it includes through
// `read_file`. Throws DefinitionError naming the file and line for anything it does not take:
// an unknown word, a missing or extra argument, a bad bridge name, a relative include, an
// include that does not exist or cannot be read, an include cycle or nesting deeper than
// max_bridge_acl_depth.
BridgeAcl parse_bridge_acl(const std::string& path, const AclFileReader& read_file);

// The lines of one file's `text` as rules, without following includes (the fuzzing seam):
// each include becomes nothing. Throws DefinitionError as parse_bridge_acl does.
std::vector<BridgeAclRule> parse_bridge_acl_text(std::string_view text, const std::string& file,
                                                 gid_t group = 0);

struct BridgeAclDecision {
    bool allowed = false;
    std::string reason;  // "allowed by 'FILE' line N (allow br0)", "denied by ...", ...
};

// Whether `bridge` may be used by a caller of real gid `caller_group`: some rule that applies
// to the caller allows it and none denies it.
BridgeAclDecision decide_bridge_access(const BridgeAcl& acl, std::string_view bridge,
                                       gid_t caller_group);

}  // namespace taplaunch
