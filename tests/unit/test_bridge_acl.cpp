#include "definition/bridge_acl.hpp"
#include "launch_error.hpp"

#include "catch_compat.hpp"

#include <map>
#include <string>

using test_matchers::Contains;
using taplaunch::BridgeAcl;
using taplaunch::DefinitionError;
using taplaunch::decide_bridge_access;
using taplaunch::parse_bridge_acl;

namespace {

const std::string top = "/etc/taplaunch/bridge.conf";

// An ACL made of files in memory (root's group unless `groups` says otherwise); a path not in
// `files` does not exist.
BridgeAcl acl_of(const std::map<std::string, std::string>& files,
                 const std::map<std::string, gid_t>& groups = {})
{
    return parse_bridge_acl(top, [&](const std::string& path) {
        const auto found = files.find(path);
        if (found == files.end()) {
            return std::optional<taplaunch::AclFileContents>();
        }
        const auto group = groups.find(path);
        return std::optional(
            taplaunch::AclFileContents{found->second, group == groups.end() ? 0 : group->second});
    });
}

BridgeAcl acl_of(const std::string& text)
{
    return acl_of(std::map<std::string, std::string>{{top, text}});
}

std::string acl_error(const std::map<std::string, std::string>& files)
{
    try {
        acl_of(files);
    } catch (const DefinitionError& error) {
        return error.what();
    }
    FAIL("the ACL was taken");
    return {};
}

std::string acl_error(const std::string& text)
{
    return acl_error(std::map<std::string, std::string>{{top, text}});
}

bool allows(const BridgeAcl& acl, const std::string& bridge, gid_t group = 1000)
{
    return decide_bridge_access(acl, bridge, group).allowed;
}

}  // namespace

TEST_CASE("bridge ACL: allow and deny, as qemu-bridge-helper reads them")
{
    struct Case {
        const char* text;
        const char* bridge;
        bool allowed;
    };
    const Case cases[] = {
        {"allow br0\n", "br0", true},
        {"allow br0\n", "br1", false},
        {"allow all\n", "anything", true},
        {"deny all\n", "br0", false},
        {"allow br0\ndeny all\n", "br0", false},      // deny wins over allow...
        {"deny all\nallow br0\n", "br0", false},      // ...wherever it stands
        {"allow all\ndeny br1\n", "br0", true},
        {"allow all\ndeny br1\n", "br1", false},
        {"deny br1\nallow br0\n", "br0", true},
        {"", "br0", false},                           // nothing allowed
        {"# only comments\n\n   # indented\n", "br0", false},
        {"  allow\tbr0  \n", "br0", true},            // blanks around words
        {"allow br0\r\n", "br0", true},               // CRLF lines
        {"allow br0", "br0", true},                   // no final newline
        {"allow br01\n", "br0", false},               // whole names only
    };
    for (const Case& test : cases) {
        INFO(test.text << " / " << test.bridge);
        CHECK(allows(acl_of(test.text), test.bridge) == test.allowed);
    }
}

TEST_CASE("bridge ACL: a missing file denies every bridge and says so")
{
    const BridgeAcl acl = acl_of(std::map<std::string, std::string>{});
    CHECK_FALSE(acl.exists);
    const auto decision = decide_bridge_access(acl, "br0", 1000);
    CHECK_FALSE(decision.allowed);
    CHECK_THAT(decision.reason, Contains(top) && Contains("does not exist"));
}

TEST_CASE("bridge ACL: each decision names the line that made it")
{
    const BridgeAcl acl = acl_of("# site\nallow br0\nallow all\ndeny br9\n");
    CHECK(decide_bridge_access(acl, "br0", 1000).reason ==
          "allowed by '" + top + "' line 2 (allow br0)");
    CHECK(decide_bridge_access(acl, "br9", 1000).reason == "denied by '" + top + "' line 4 (deny br9)");
    CHECK_THAT(decide_bridge_access(acl_of("allow br0\n"), "br1", 1000).reason,
               Contains("no line of '" + top + "' allows it"));
}

TEST_CASE("bridge ACL: include reads another file in place")
{
    const std::map<std::string, std::string> files{
        {top, "include /etc/qemu/bridge.conf\nallow br2\n"},
        {"/etc/qemu/bridge.conf", "allow br0\ninclude /etc/qemu/more.conf\n"},
        {"/etc/qemu/more.conf", "deny br1\nallow br1\n"},
    };
    const BridgeAcl acl = acl_of(files);
    REQUIRE(acl.rules.size() == 4);
    CHECK(allows(acl, "br0"));
    CHECK_FALSE(allows(acl, "br1"));
    CHECK(allows(acl, "br2"));
    CHECK(decide_bridge_access(acl, "br1", 1000).reason ==
          "denied by '/etc/qemu/more.conf' line 1 (deny br1)");
    // A deny in an included file wins over the including file's allow.
    CHECK_FALSE(allows(acl_of({{top, "allow all\ninclude /a\n"}, {"/a", "deny all\n"}}), "br0"));
}

TEST_CASE("bridge ACL: what it does not take is an error naming the file and line")
{
    struct Case {
        std::string text;
        std::string expected;
    };
    const Case cases[] = {
        {"allow br0\npermit br1\n", "line 2: unknown command 'permit'"},
        {"allow\n", "line 1: 'allow' needs a bridge name or all"},
        {"deny   \n", "line 1: 'deny' needs a bridge name or all"},
        {"include\n", "line 1: 'include' needs a file"},
        {"allow br0 br1\n", "line 1: 'allow br0 br1' has more than one word"},
        {"allow br0 # lan\n", "has more than one word"},
        {"allow abcdefghijklmnop\n", "line 1: bridge name 'abcdefghijklmnop' is 16 bytes long"},
        {"deny a/b\n", "bridge name 'a/b' contains '/'"},
        {"allow br%d\n", "contains '%'"},
        {"allow ..\n", "not a valid interface name"},
        {"allow b\x01r\n", "control character"},
        {"Allow br0\n", "unknown command 'Allow'"},
        {"include etc/qemu/bridge.conf\n", "line 1: include 'etc/qemu/bridge.conf' is not an absolute path"},
        {"\n\ninclude /missing.conf\n", "line 3: include '/missing.conf' does not exist"},
    };
    for (const Case& test : cases) {
        const std::string message = acl_error(test.text);
        INFO(test.text);
        CHECK_THAT(message, Contains("bridge ACL '" + top + "'") && Contains(test.expected));
        CHECK(message.find('\n') == std::string::npos);
    }
}

TEST_CASE("bridge ACL: an error in an included file names that file")
{
    const std::string message =
        acl_error({{top, "include /etc/qemu/bridge.conf\n"},
                   {"/etc/qemu/bridge.conf", "allow br0\nallow br0 extra\n"}});
    CHECK_THAT(message, Contains("bridge ACL '/etc/qemu/bridge.conf' line 2"));
}

TEST_CASE("bridge ACL: include cycles and deep nesting are errors, not endless recursion")
{
    CHECK_THAT(acl_error({{top, "include /a\n"}, {"/a", "include /b\n"}, {"/b", "include /a\n"}}),
               Contains("'/b' line 1: include '/a' is already being read"));
    CHECK_THAT(acl_error({{top, "include " + top + "\n"}}), Contains("already being read"));
    std::map<std::string, std::string> chain{{top, "include /0\n"}};
    for (int level = 0; level < 20; ++level) {
        chain["/" + std::to_string(level)] = "include /" + std::to_string(level + 1) + "\n";
    }
    CHECK_THAT(acl_error(chain), Contains("includes nest deeper than 8 files"));
}

TEST_CASE("bridge ACL: a bridge named all cannot be listed alone, as in QEMU")
{
    const BridgeAcl acl = acl_of("allow all\n");
    REQUIRE(acl.rules.size() == 1);
    CHECK_FALSE(acl.rules[0].bridge);
}

TEST_CASE("bridge ACL: a file whose group is not root applies to that group only, as in QEMU")
{
    const std::map<std::string, std::string> files{
        {top, "allow br0\ninclude /etc/taplaunch/lab.conf\n"},
        {"/etc/taplaunch/lab.conf", "allow br-lab\ndeny br0\n"},
    };
    const BridgeAcl acl = acl_of(files, {{"/etc/taplaunch/lab.conf", 2000}});
    CHECK(allows(acl, "br0", 1000));
    CHECK_FALSE(allows(acl, "br-lab", 1000));
    CHECK(allows(acl, "br-lab", 2000));
    CHECK_FALSE(allows(acl, "br0", 2000));  // the group's own deny
    CHECK(decide_bridge_access(acl, "br0", 2000).reason ==
          "denied by '/etc/taplaunch/lab.conf' line 2 (for group 2000) (deny br0)");
}
