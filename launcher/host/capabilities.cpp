#include "host/capabilities.hpp"

#include <linux/capability.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace taplaunch {

namespace {

struct CapabilitySets {
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
};

bool read_sets(CapabilitySets& sets) noexcept
{
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    return ::syscall(SYS_capget, &header, sets.data) == 0;
}

}  // namespace

CallerPrivileges read_caller_privileges()
{
    CallerPrivileges privileges;
    privileges.real_uid = ::getuid();
    privileges.real_gid = ::getgid();
    CapabilitySets sets;
    if (read_sets(sets)) {
        const unsigned word = CAP_NET_ADMIN / 32;
        const unsigned bit = 1u << (CAP_NET_ADMIN % 32);
        privileges.net_admin = (sets.data[word].effective & bit) != 0;
    }
    privileges.elevated = ::getauxval(AT_SECURE) != 0;
    return privileges;
}

int drop_all_capabilities() noexcept
{
    // The ambient set first: it cannot hold what permitted lacks, but say it plainly. Kernels
    // before 4.3 have no ambient set (EINVAL): nothing to clear there.
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
        return errno;
    }
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3]{};
    if (::syscall(SYS_capset, &header, none) != 0) {
        return errno;
    }
    return 0;
}

bool holds_any_capability()
{
    CapabilitySets sets;
    if (!read_sets(sets)) {
        return true;  // cannot tell: assume the worst
    }
    for (const auto& word : sets.data) {
        if (word.effective || word.permitted || word.inheritable) {
            return true;
        }
    }
    for (unsigned capability = 0; capability <= CAP_LAST_CAP; ++capability) {
        if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, capability, 0, 0) == 1) {
            return true;
        }
    }
    return false;
}

}  // namespace taplaunch
