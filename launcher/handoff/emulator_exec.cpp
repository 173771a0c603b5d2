#include "handoff/emulator_exec.hpp"

#include "handoff/caller_environment.hpp"
#include "handoff/fd_placement.hpp"
#include "host/capabilities.hpp"
#include "handoff/tap_fd_placements.hpp"
#include "handoff/emulator_environment.hpp"
#include "launch_error.hpp"

#include <unistd.h>

#include <cerrno>

namespace taplaunch {

void exec_emulator(const LaunchPlan& plan, const std::vector<std::string>& argv,
                   std::vector<ReadyTap> taps)
{
    const std::vector<FdPlacement> placements = tap_fd_placements(taps);
    if (const int error = place_fds(placements); error != 0) {
        throw HostError("hand the TAP fds to the emulator: " + errno_text(error) +
                        fd_placement_hint(error));
    }
    // The placed copies are the emulator's; if exec fails, closing them and `taps` removes
    // the TAPs.
    std::vector<UniqueFd> placed;
    for (const FdPlacement& placement : placements) {
        placed.emplace_back(placement.target);
        for (ReadyTap& tap : taps) {
            for (auto* fds : {&tap.queue_fds, &tap.vhost_fds}) {
                for (UniqueFd& fd : *fds) {
                    if (fd.get() == placement.target) {
                        // dup2 replaced that number with the placed copy, owned by `placed`.
                        static_cast<void>(fd.release());
                    }
                }
            }
        }
    }
    std::vector<char*> raw_argv;
    for (const std::string& word : argv) {
        raw_argv.push_back(const_cast<char*>(word.c_str()));
    }
    raw_argv.push_back(nullptr);
    const std::vector<std::string> environment =
        emulator_environment(plan, caller_environment());
    std::vector<char*> raw_environment;
    for (const std::string& entry : environment) {
        raw_environment.push_back(const_cast<char*>(entry.c_str()));
    }
    raw_environment.push_back(nullptr);
    // What taplaunch holds beyond its caller ends here: the emulator runs with nothing.
    if (plan.drop_capabilities) {
        if (const int error = drop_all_capabilities(); error != 0) {
            throw HostError("give up taplaunch's capabilities before starting the emulator: " +
                            errno_text(error));
        }
    }
    ::execve(plan.emulator_path.c_str(), raw_argv.data(), raw_environment.data());
    const int error = errno;
    throw HostError("exec " + plan.emulator_path + ": " + errno_text(error) +
                    (error == ENOEXEC ? " (not an executable this kernel can run)" : ""));
}

}  // namespace taplaunch
