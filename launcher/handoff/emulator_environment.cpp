#include "handoff/emulator_environment.hpp"

#include "plan/launch_preview.hpp"

#include <string_view>

namespace taplaunch {

namespace {

constexpr std::string_view ld_preload_prefix = "LD_PRELOAD=";

}  // namespace

std::optional<std::string> emulator_ld_preload(const LaunchPlan& plan,
                                               const char* callers_ld_preload)
{
    std::string preload;
    for (const EmulatorPreload& adapter : emulator_preloads(plan)) {
        preload += (preload.empty() ? "" : ":") + adapter.path;
    }
    if (preload.empty()) {
        return std::nullopt;
    }
    if (callers_ld_preload && *callers_ld_preload != '\0') {
        preload += ":" + std::string(callers_ld_preload);
    }
    return preload;
}

std::vector<std::string> emulator_environment(const LaunchPlan& plan,
                                              const char* const* environment)
{
    std::vector<std::string> result;
    const char* callers_ld_preload = nullptr;
    for (const char* const* entry = environment; entry && *entry; ++entry) {
        const std::string_view text(*entry);
        if (text.starts_with(ld_preload_prefix)) {
            callers_ld_preload = *entry + ld_preload_prefix.size();
            continue;
        }
        result.emplace_back(text);
    }
    if (const auto ld_preload = emulator_ld_preload(plan, callers_ld_preload)) {
        result.push_back(std::string(ld_preload_prefix) + *ld_preload);
    } else if (callers_ld_preload) {
        result.push_back(std::string(ld_preload_prefix) + callers_ld_preload);
    }
    return result;
}

}  // namespace taplaunch
