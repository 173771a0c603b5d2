#pragma once
// The files a guest definition and its limits are read from: a profile (--profile) and the
// bridge ACL. Reading is input: the pure stages parse the text these return.

#include "definition/bridge_acl.hpp"

#include <optional>
#include <string>

namespace taplaunch {

// The text of the profile at `path` (a regular file or a pipe, at most max_profile_bytes).
// Throws DefinitionError naming the file, the error and the fix.
std::string read_profile_text(const std::string& path);

// Reads an ACL file from the file system, as the caller may (taplaunch's capability gives no
// file access): nullopt when it does not exist; DefinitionError when it is not a regular file,
// is larger than max_bridge_acl_bytes, or could be changed by anyone but root (not owned by
// root, or writable by its group or others), which would let that user allow any bridge.
std::optional<AclFileContents> read_bridge_acl_file(const std::string& path);

}  // namespace taplaunch
