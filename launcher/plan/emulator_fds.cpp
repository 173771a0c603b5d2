#include "plan/emulator_fds.hpp"

#include "launch_error.hpp"

namespace taplaunch {

namespace {

// The lowest `count` fd numbers from 3 up that the caller did not hand us.
std::vector<int> choose_emulator_fds(std::size_t count, const std::set<int>& inherited)
{
    std::vector<int> fds;
    for (int fd = 3; fds.size() < count; ++fd) {
        if (!inherited.contains(fd)) {
            fds.push_back(fd);
        }
    }
    return fds;
}

}  // namespace

void assign_emulator_fds(std::vector<TapPlan>& taps, const std::set<int>& inherited)
{
    std::size_t count = 0;
    for (const TapPlan& tap : taps) {
        count += tap.queue_fds.size() + tap.vhost_fds.size();
    }
    if (count > max_emulator_fds) {
        throw DefinitionError("the NICs need " + std::to_string(count) +
                              " fds in the emulator, more than the " +
                              std::to_string(max_emulator_fds) +
                              " taplaunch hands over (use fewer queues= or NICs)");
    }
    const std::vector<int> numbers = choose_emulator_fds(count, inherited);
    std::size_t next = 0;
    for (TapPlan& tap : taps) {
        for (int& fd : tap.queue_fds) {
            fd = numbers[next++];
        }
        for (int& fd : tap.vhost_fds) {
            fd = numbers[next++];
        }
    }
}

}  // namespace taplaunch
