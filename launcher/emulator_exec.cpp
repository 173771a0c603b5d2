#include "emulator_exec.hpp"

#include "launch_error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace taplaunch {

namespace {

std::vector<UniqueFd> move_fds_to_planned_numbers(std::vector<ReadyTap>& taps)
{
    int first_free = 3;
    for (const ReadyTap& tap : taps) {
        first_free = std::max(first_free, tap.plan->emulator_fd + 1);
    }
    // Park copies above every target first, so that placing one never closes another.
    std::vector<UniqueFd> parked;
    for (ReadyTap& tap : taps) {
        UniqueFd copy(::fcntl(tap.fd.get(), F_DUPFD_CLOEXEC, first_free));
        if (!copy.valid()) {
            throw HostError("duplicate the fd of " + tap.ifname + ": " + errno_text(errno));
        }
        parked.push_back(std::move(copy));
        tap.fd.reset();
    }
    std::vector<UniqueFd> placed;
    for (std::size_t i = 0; i < taps.size(); ++i) {
        const int target = taps[i].plan->emulator_fd;
        // dup2 leaves the new fd without FD_CLOEXEC: exactly the TAP fds are inherited.
        if (::dup2(parked[i].get(), target) != target) {
            throw HostError("move the fd of " + taps[i].ifname + " to " + std::to_string(target) +
                            ": " + errno_text(errno));
        }
        placed.emplace_back(target);
        parked[i].reset();
    }
    return placed;
}

}  // namespace

void exec_emulator(const LaunchPlan& plan, std::vector<ReadyTap> taps)
{
    // Owned here, so that a failed exec closes them and the kernel removes the TAPs.
    const std::vector<UniqueFd> placed = move_fds_to_planned_numbers(taps);
    std::vector<char*> argv;
    for (const std::string& word : plan.argv) {
        argv.push_back(const_cast<char*>(word.c_str()));
    }
    argv.push_back(nullptr);
    ::execv(plan.emulator_path.c_str(), argv.data());
    throw HostError("exec " + plan.emulator_path + ": " + errno_text(errno) +
                    (errno == ENOEXEC ? " (not an executable this kernel can run)" : ""));
}

}  // namespace taplaunch
