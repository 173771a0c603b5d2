#include "plan/tap_name_checks.hpp"

#include "launch_error.hpp"
#include "plan/nic_context.hpp"
#include "plan/owner_record.hpp"
#include "plan/tap_names.hpp"

namespace taplaunch {

// An exact TAP name must be free: taplaunch never reuses a device. The hint depends on what
// holds the name: a TAP taplaunch made (gc knows whether its launch is gone), another TAP
// (maybe unused), or a device that is none of taplaunch's business.
void check_ifname_free(const NicSpec& nic, std::size_t index, const HostFacts& host)
{
    if (is_ifname_template(nic.ifname)) {
        return;
    }
    const auto existing = host.find_link(nic.ifname);
    if (!existing) {
        return;
    }
    std::string fix;
    if (existing->kind == "tun") {
        if (const auto owner = parse_owner_record(existing->alias)) {
            fix = "it is a TAP taplaunch made for guest " + owner->guest +
                  ": taplaunch gc --dry-run shows whether its launch is gone and gc removes it "
                  "then; or choose another ifname=";
        } else {
            fix = "a TAP taplaunch did not make: remove it with ip link del " + nic.ifname +
                  " if nothing uses it, or choose another ifname=";
        }
    } else {
        fix = "choose another ifname=";
    }
    throw DefinitionError(nic_context(index) + "device '" + nic.ifname +
                          "' already exists and taplaunch never reuses a device (" + fix + ")");
}

// Two NICs of one guest must never ask for the same TAP: neither the same exact name nor an
// exact name that another NIC's template could be given first.
void check_ifnames_distinct(const std::vector<NicSpec>& nics, ProblemList& problems)
{
    for (std::size_t later = 0; later < nics.size(); ++later) {
        for (std::size_t earlier = 0; earlier < later; ++earlier) {
            // Two NICs with one template (the default for most) never clash: the common case,
            // skipped without the checks below, which are quadratic in the NIC count.
            if (nics[earlier].ifname == nics[later].ifname &&
                is_ifname_template(nics[later].ifname)) {
                continue;
            }
            problems.check([&] {
                const std::string& a = nics[earlier].ifname;
                const std::string& b = nics[later].ifname;
                if (a == b && !is_ifname_template(a)) {
                    throw DefinitionError(nic_context(later) + "ifname '" + b + "' is nic " +
                                          std::to_string(earlier) +
                                          "'s too (give each NIC its own)");
                }
                if (template_could_produce(a, b) || template_could_produce(b, a)) {
                    throw DefinitionError(nic_context(later) + "ifname '" + b + "' and nic " +
                                          std::to_string(earlier) + "'s '" + a +
                                          "' can name the same TAP (give the exact name another "
                                          "prefix, or use templates for both)");
                }
            });
        }
    }
}

}  // namespace taplaunch
