#pragma once
// CallerPrivileges: who runs taplaunch and what taplaunch holds beyond what they hold. An
// ordinary user may run taplaunch installed with the file capability CAP_NET_ADMIN; it then
// holds a privilege its caller lacks, and the bridge ACL and the limits on --owner and gc
// keep that privilege to what the administrator allowed.

#include <sys/types.h>

namespace taplaunch {

struct CallerPrivileges {
    uid_t real_uid = 0;      // the caller (getuid)
    gid_t real_gid = 0;      // the caller's group (getgid): an ACL file of that group applies
    bool net_admin = false;  // CAP_NET_ADMIN in taplaunch's effective set: it can make TAPs
    bool elevated = false;   // taplaunch holds privileges its caller lacks: the kernel started
                             // it in secure mode (AT_SECURE), as for a file capability
};

// Whether the bridge ACL applies: the caller is not root (of the user namespace taplaunch
// runs in) and taplaunch holds what the caller lacks.
inline bool bridge_acl_applies(const CallerPrivileges& privileges)
{
    return privileges.real_uid != 0 && privileges.elevated;
}

}  // namespace taplaunch
