#include "plan/uml_xstate.hpp"

#include "launch_error.hpp"
#include "plan/uml_version.hpp"

namespace taplaunch {

namespace {

// The first UML release whose ptrace register code sizes the XSTATE buffer from the host.
constexpr UmlVersion first_sizing_release{6, 13};

}  // namespace

std::optional<bool> uml_version_sizes_xstate_itself(std::string_view version)
{
    const std::optional<UmlVersion> parsed = parse_uml_version(version);
    if (!parsed) {
        return std::nullopt;
    }
    return *parsed >= first_sizing_release;
}

UmlXstatePlan plan_uml_xstate(UmlXstateAdapter setting, const std::string& uml_path,
                              const HostFacts& host)
{
    std::string why;
    switch (setting) {
    case UmlXstateAdapter::off:
        return {};
    case UmlXstateAdapter::on:
        why = "--uml-xstate-adapter on";
        break;
    case UmlXstateAdapter::automatic: {
        const unsigned host_bytes = host.xsave_area_size();
        if (host_bytes <= uml_fixed_xstate_bytes) {
            return {};
        }
        const std::optional<std::string> version = host.program_version(uml_path);
        const std::optional<bool> sizes_itself =
            version ? uml_version_sizes_xstate_itself(*version) : std::nullopt;
        if (sizes_itself.value_or(false)) {
            return {};
        }
        const std::string which =
            sizes_itself ? "UML " + *version : std::string("a UML of unknown version");
        why = "this host's XSAVE area is " + std::to_string(host_bytes) + " bytes and " + which +
              " transfers " + std::to_string(uml_fixed_xstate_bytes);
        break;
    }
    }
    const std::optional<std::string> adapter = host.uml_xstate_adapter();
    if (!adapter) {
        throw HostError("UML needs taplaunch's XSTATE adapter (" + why +
                        ") but it is not installed (reinstall taplaunch, or run with "
                        "--uml-xstate-adapter off and expect the guest's init to fail)");
    }
    return {*adapter, "preload " + *adapter + " into UML (" + why + ")"};
}

}  // namespace taplaunch
