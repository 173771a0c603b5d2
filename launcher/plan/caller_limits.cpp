#include "plan/caller_limits.hpp"

#include "launch_error.hpp"

#include <optional>

namespace taplaunch {

namespace {

constexpr const char* how_to_install =
    "install taplaunch with the capability: sudo setcap cap_net_admin+ep "
    "\"$(command -v taplaunch)\", or cmake --install BUILD --component capability";

}  // namespace

void check_caller_can_create_taps(const HostFacts& host)
{
    const CallerPrivileges privileges = host.caller_privileges();
    if (privileges.real_uid != 0 && !privileges.net_admin) {
        throw DefinitionError("creating TAPs needs root or CAP_NET_ADMIN, and uid " +
                              std::to_string(privileges.real_uid) +
                              " runs taplaunch without either (" + how_to_install + ")");
    }
}

void check_caller_limits(LaunchPlan& plan, const HostFacts& host, ProblemList& problems)
{
    const CallerPrivileges privileges = host.caller_privileges();
    plan.drop_capabilities = privileges.elevated;
    if (plan.taps.empty() || !bridge_acl_applies(privileges)) {
        return;
    }
    std::optional<BridgeAcl> acl;
    if (!problems.check([&] { acl = host.bridge_acl(); })) {
        return;
    }
    for (const TapPlan& tap : plan.taps) {
        const std::string context = "nic " + std::to_string(tap.nic_index) + ": ";
        if (tap.macvtap) {
            problems.check([&] {
                throw DefinitionError(context + "macvtap= is for root only: uid " +
                                      std::to_string(privileges.real_uid) +
                                      " may not open /dev/tapN (root's, mode 0600), and the "
                                      "bridge ACL names bridges, not host interfaces (run as "
                                      "root, or use bridge=)");
            });
            continue;
        }
        problems.check([&] {
            const BridgeAclDecision decision = decide_bridge_access(*acl, tap.bridge, privileges.real_gid);
            if (!decision.allowed) {
                throw DefinitionError(context + "bridge '" + tap.bridge +
                                      "' is not allowed for uid " +
                                      std::to_string(privileges.real_uid) + ": " +
                                      decision.reason + " (an administrator may add 'allow " +
                                      tap.bridge + "' to '" + acl->path + "')");
            }
        });
        problems.check([&] {
            const auto bridge = host.find_link(tap.bridge);
            if (bridge && tap.mtu < bridge->mtu) {
                throw DefinitionError(context + "mtu " + std::to_string(tap.mtu) +
                                      " is below bridge " + tap.bridge + "'s MTU " +
                                      std::to_string(bridge->mtu) +
                                      " and would lower the bridge's MTU for everyone on it; "
                                      "only root may (drop mtu=)");
            }
        });
    }
}

}  // namespace taplaunch
