// libFuzzer target: a profile file as --profile reads it (key = value lines, every value split
// as a POSIX shell splits words, settings and NIC specs applied to a guest definition).

#include "definition/command_line.hpp"
#include "launch_error.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

// One in-memory file, rewritten for each input, read through its /proc/self/fd path.
int profile_fd()
{
    static const int fd = ::memfd_create("profile.ini", MFD_CLOEXEC);
    return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const int fd = profile_fd();
    if (fd < 0 || ::ftruncate(fd, 0) != 0 || ::pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) {
        std::abort();
    }
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    try {
        static_cast<void>(taplaunch::parse_command_line({"--profile", path, "--dry-run"}));
    } catch (const taplaunch::DefinitionError& error) {
        if (std::string_view(error.what()).find('\n') != std::string_view::npos) {
            std::abort();  // every error is one line
        }
    }
    return 0;
}
