#include "definition/guest_settings.hpp"

#include "definition/nic_spec.hpp"
#include "launch_error.hpp"

#include <algorithm>

namespace taplaunch {

namespace {

using Kind = GuestSetting::Kind;

using Words = std::vector<std::string>;

const std::vector<GuestSetting> settings = {
    {"nic", Kind::word, true, "SPEC", "add a NIC (repeatable, in order)", true,
     [](GuestDefinition& guest, const Words& words) {
         guest.nics.push_back(parse_nic_spec(words.front()));
     }},
    {"name", Kind::word, false, "NAME", "guest name (default: the profile's stem, else 'guest')",
     true,
     [](GuestDefinition& guest, const Words& words) {
         check_guest_name(words.front());
         guest.name = words.front();
         guest.name_given = true;
     }},
    {"emulator", Kind::word, false, "PROGRAM",
     "the emulator (profile only; on the command line it follows --)", false,
     [](GuestDefinition& guest, const Words& words) { guest.emulator = words.front(); }},
    {"args", Kind::words, true, "WORDS",
     "the emulator's arguments, split as a POSIX shell splits words (profile only)", false,
     [](GuestDefinition& guest, const Words& words) {
         guest.emulator_args.insert(guest.emulator_args.end(), words.begin(), words.end());
     }},
    {"emulator-kind", Kind::word, false, "qemu|uml", "override detection from the emulator's name",
     true,
     [](GuestDefinition& guest, const Words& words) {
         guest.emulator_kind = parse_emulator_kind(words.front());
     }},
    {"uml-transport", Kind::word, false, "tap|tuntap|fd",
     "UML NIC form: tap (vector driver, default), tuntap (legacy), fd (inherited fd, exec'd)",
     true,
     [](GuestDefinition& guest, const Words& words) {
         guest.uml_transport = parse_uml_transport(words.front());
         guest.uml_transport_given = true;
     }},
    {"uml-xstate-adapter", Kind::word, false, "auto|on|off",
     "preload taplaunch's XSTATE adapter into UML, which lets a UML sized for AVX run on a "
     "host with a larger XSAVE area (auto: where this host needs it)",
     true,
     [](GuestDefinition& guest, const Words& words) {
         guest.uml_xstate_adapter = parse_uml_xstate_adapter(words.front());
     }},
    {"supervise", Kind::flag, false, "",
     "stay as the emulator's parent, forward signals, remove the TAPs when it exits (always "
     "for UML guests that open their TAPs by name)",
     true,
     [](GuestDefinition& guest, const Words& words) {
         guest.supervise = parse_flag("supervise", words.front());
     }},
    {"stop-timeout", Kind::word, false, "SECONDS",
     "supervise: after forwarding SIGTERM or SIGINT, wait this long for the emulator to end, "
     "then SIGKILL it (default 10)",
     true,
     [](GuestDefinition& guest, const Words& words) {
         guest.stop_timeout = parse_stop_timeout(words.front());
     }},
    {"owner", Kind::word, false, "USER", "user owning persistent TAPs (default: the caller's real uid)",
     true, [](GuestDefinition& guest, const Words& words) { guest.owner = words.front(); }},
};

}  // namespace

const std::vector<GuestSetting>& guest_settings()
{
    return settings;
}

const GuestSetting* find_guest_setting(std::string_view name)
{
    const auto found = std::find_if(settings.begin(), settings.end(),
                                    [&](const GuestSetting& setting) { return setting.name == name; });
    return found == settings.end() ? nullptr : &*found;
}

std::string guest_setting_names()
{
    std::string names;
    for (const GuestSetting& setting : settings) {
        names += (names.empty() ? "" : ", ") + std::string(setting.name);
    }
    return names;
}

bool parse_flag(std::string_view name, std::string_view text)
{
    for (std::string_view yes : {"true", "yes", "on", "1"}) {
        if (text == yes) {
            return true;
        }
    }
    for (std::string_view no : {"false", "no", "off", "0"}) {
        if (text == no) {
            return false;
        }
    }
    throw DefinitionError(std::string(name) + " '" + std::string(text) +
                          "' is not a boolean (write true or false)");
}

void apply_guest_setting(GuestDefinition& guest, const GuestSetting& setting,
                         const std::vector<std::string>& words)
{
    if (setting.kind != Kind::words && words.size() != 1) {
        throw DefinitionError(std::string(setting.name) +
                              (words.empty() ? " has no value"
                                             : " has " + std::to_string(words.size()) + " words") +
                              " (give it exactly one; quote a value that holds spaces)");
    }
    setting.apply(guest, words);
}

}  // namespace taplaunch
