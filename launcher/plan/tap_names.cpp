#include "plan/tap_names.hpp"

#include "plan/emulator_argv.hpp"
#include "plan/launch_plan.hpp"

#include <set>

namespace taplaunch {

bool is_ifname_template(std::string_view name)
{
    return name.find("%d") != std::string_view::npos;
}

std::string ifname_from_template(std::string_view ifname_template, unsigned number)
{
    const std::size_t percent = ifname_template.find("%d");
    if (percent == std::string_view::npos) {
        return std::string(ifname_template);
    }
    return std::string(ifname_template.substr(0, percent)) + std::to_string(number) +
           std::string(ifname_template.substr(percent + 2));
}

bool template_could_produce(std::string_view ifname_template, std::string_view exact)
{
    const std::size_t percent = ifname_template.find("%d");
    if (percent == std::string_view::npos) {
        return false;
    }
    const std::string_view prefix = ifname_template.substr(0, percent);
    const std::string_view suffix = ifname_template.substr(percent + 2);
    if (exact.size() <= prefix.size() + suffix.size() || !exact.starts_with(prefix) ||
        !exact.ends_with(suffix)) {
        return false;
    }
    const std::string_view digits =
        exact.substr(prefix.size(), exact.size() - prefix.size() - suffix.size());
    return digits.find_first_not_of("0123456789") == std::string_view::npos;
}

void predict_tap_names(LaunchPlan& plan, const HostFacts& host)
{
    std::set<std::string> taken;
    std::vector<std::string> names;
    for (TapPlan& tap : plan.taps) {
        // The kernel numbers a template's devices below 8 * PAGE_SIZE (32768).
        constexpr unsigned kernel_limit = 32768;
        tap.predicted_ifname = tap.requested_ifname;
        if (is_ifname_template(tap.requested_ifname)) {
            for (unsigned number = 0; number < kernel_limit; ++number) {
                std::string candidate = ifname_from_template(tap.requested_ifname, number);
                if (!taken.contains(candidate) && !host.find_link(candidate)) {
                    tap.predicted_ifname = std::move(candidate);
                    break;
                }
            }
        }
        taken.insert(tap.predicted_ifname);
        names.push_back(tap.predicted_ifname);
    }
    plan.argv = emulator_argv(plan, names);
}

}  // namespace taplaunch
