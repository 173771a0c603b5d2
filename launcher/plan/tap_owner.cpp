#include "plan/tap_owner.hpp"

#include "launch_error.hpp"

namespace taplaunch {

uid_t decide_owner(const GuestDefinition& guest, bool persistent, const HostFacts& host)
{
    if (!guest.owner) {
        return host.caller_uid();
    }
    if (!persistent) {
        throw DefinitionError("--owner applies only to TAPs that UML opens by name (--uml-transport "
                              "tap or tuntap); drop --owner");
    }
    const auto uid = host.resolve_user(*guest.owner);
    if (!uid) {
        throw DefinitionError("owner '" + *guest.owner +
                              "' is not a user on this host (give a user name or numeric uid)");
    }
    if (!host.uid_mapped(*uid)) {
        throw DefinitionError("owner '" + *guest.owner + "' (uid " + std::to_string(*uid) +
                              ") has no uid in this user namespace, so it cannot own a TAP "
                              "(a namespace of unshare -Ur maps only root, its creator: drop "
                              "--owner, or map the user with newuidmap)");
    }
    const uid_t caller = host.caller_uid();
    if (caller != 0 && *uid != caller) {
        throw DefinitionError("--owner " + *guest.owner + ": only root may give TAPs to another "
                              "user (drop --owner: uid " + std::to_string(caller) +
                              "'s TAPs are its own)");
    }
    return *uid;
}

}  // namespace taplaunch
