// libFuzzer target: the bridge ACL parser and decision. The input is up to four files
// separated by NUL bytes: the top file, then /a, /b and /c, which the others may include; /c
// belongs to group 5, whose callers alone its lines apply to.

#include "definition/bridge_acl.hpp"
#include "launch_error.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::array<const char*, 4> paths = {"/etc/taplaunch/bridge.conf", "/a", "/b", "/c"};
    std::map<std::string, std::string> files;
    std::size_t start = 0;
    for (const char* path : paths) {
        if (start > input.size()) {
            break;
        }
        const std::size_t end = std::min(input.find('\0', start), input.size());
        files[path] = std::string(input.substr(start, end - start));
        start = end + 1;
    }
    const auto read_file = [&](const std::string& path) -> std::optional<taplaunch::AclFileContents> {
        const auto found = files.find(path);
        if (found == files.end()) {
            return std::nullopt;
        }
        return taplaunch::AclFileContents{found->second, path == "/c" ? 5u : 0u};
    };
    try {
        const taplaunch::BridgeAcl acl = taplaunch::parse_bridge_acl(paths[0], read_file);
        for (const gid_t group : {0u, 5u, 7u}) {
            bool any_deny_all = false;
            for (const taplaunch::BridgeAclRule& rule : acl.rules) {
                any_deny_all = any_deny_all || (!rule.allow && !rule.bridge &&
                                                (rule.group == 0 || rule.group == group));
            }
            for (const char* bridge : {"br0", "br1", "all", "virbr0"}) {
                const taplaunch::BridgeAclDecision decision =
                    taplaunch::decide_bridge_access(acl, bridge, group);
                if (decision.allowed && any_deny_all) {
                    std::abort();  // deny all wins over every allow
                }
            }
        }
    } catch (const taplaunch::DefinitionError& error) {
        if (std::string_view(error.what()).find('\n') != std::string_view::npos) {
            std::abort();
        }
    }
    try {
        static_cast<void>(taplaunch::parse_bridge_acl_text(input, "fuzz"));
    } catch (const taplaunch::DefinitionError&) {
    }
    return 0;
}
