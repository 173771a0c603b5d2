#include "handoff/fd_placement.hpp"

#include "plan/tap_plan.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace taplaunch {

namespace {

// Closes the parked copies [first, last): a failed placement leaves no copy behind.
void close_parked(const int* parked, std::size_t first, std::size_t last)
{
    for (std::size_t i = first; i < last; ++i) {
        ::close(parked[i]);
    }
}

}  // namespace

int place_fds(const std::vector<FdPlacement>& placements)
{
    int above_targets = 3;
    for (const FdPlacement& placement : placements) {
        if (placement.target >= above_targets) {
            above_targets = placement.target + 1;
        }
    }
    // A fixed upper bound keeps this free of allocation (it may run in a forked child).
    constexpr std::size_t max_placements = max_emulator_fds;
    int parked[max_placements];
    if (placements.size() > max_placements) {
        return EMFILE;
    }
    for (std::size_t i = 0; i < placements.size(); ++i) {
        parked[i] = ::fcntl(placements[i].source, F_DUPFD_CLOEXEC, above_targets);
        if (parked[i] < 0) {
            const int error = errno;
            close_parked(parked, 0, i);
            return error;
        }
    }
    for (std::size_t i = 0; i < placements.size(); ++i) {
        // dup2 leaves the new fd without FD_CLOEXEC: exactly the placed fds are inherited.
        if (::dup2(parked[i], placements[i].target) < 0) {
            const int error = errno;
            close_parked(parked, i, placements.size());
            return error;
        }
        ::close(parked[i]);
    }
    return 0;
}

std::string fd_placement_hint(int error)
{
    return error == EMFILE
               ? " (placing them takes a few spare fds: raise the limit, e.g. ulimit -n 1024)"
               : "";
}

}  // namespace taplaunch
