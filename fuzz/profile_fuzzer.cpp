// libFuzzer target: a profile as --profile reads it (key = value lines, every value split as a
// POSIX shell splits words, settings and NIC specs applied to a guest definition). The input
// is the profile's text, handed to parse_command_line as its profile reader would.

#include "definition/command_line.hpp"
#include "launch_error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    const taplaunch::ProfileReader read_profile = [&](const std::string&) { return text; };
    try {
        static_cast<void>(
            taplaunch::parse_command_line({"--profile", "fuzz.ini", "--dry-run"}, read_profile));
    } catch (const taplaunch::DefinitionError& error) {
        if (std::string_view(error.what()).find('\n') != std::string_view::npos) {
            std::abort();  // every error is one line
        }
    }
    return 0;
}
