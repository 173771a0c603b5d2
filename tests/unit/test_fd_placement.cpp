#include "handoff/fd_placement.hpp"
#include "host/proc_files.hpp"
#include "host/unique_fd.hpp"
#include "plan/tap_plan.hpp"

#include "catch_compat.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using taplaunch::FdPlacement;
using taplaunch::max_emulator_fds;
using taplaunch::place_fds;
using taplaunch::UniqueFd;

namespace {

using Placements = std::vector<FdPlacement>;

// Every case lays out exact fd numbers, so it runs in a child whose fds (above 2) it owns and
// whose RLIMIT_NOFILE is at least child_fd_limit. The child keeps for itself: its report (on
// report_fd), two fds that no placement names, one inheritable and one close-on-exec, and the
// read end of source k's pipe at first_reader_fd + k. It builds each pipe at scratch_fd and
// above before moving it down.
constexpr rlim_t child_fd_limit = 4096;
constexpr int report_fd = 4000;
constexpr int inheritable_bystander_fd = 50;
constexpr int cloexec_bystander_fd = 51;
constexpr int first_reader_fd = 60;
constexpr int scratch_fd = 500;

std::string errno_name(int error)
{
    return std::to_string(error) + " (" + std::strerror(error) + ")";
}

// Every open fd above 2 and whether it is close-on-exec.
std::map<int, bool> fd_table()
{
    std::map<int, bool> table;
    for (const int fd : taplaunch::list_open_fds()) {
        const int flags = ::fcntl(fd, F_GETFD);
        if (flags >= 0) {
            table[fd] = (flags & FD_CLOEXEC) != 0;
        }
    }
    return table;
}

std::string describe(const std::map<int, bool>& table, int fd)
{
    const auto entry = table.find(fd);
    if (entry == table.end()) {
        return "closed";
    }
    return entry->second ? "close-on-exec" : "inheritable";
}

// One line for each fd whose state differs between `expected` and `found`.
std::string table_differences(const std::map<int, bool>& expected,
                              const std::map<int, bool>& found)
{
    std::map<int, bool> every_fd = expected;
    every_fd.insert(found.begin(), found.end());
    std::string differences;
    for (const auto& [fd, ignored] : every_fd) {
        if (describe(expected, fd) != describe(found, fd)) {
            differences += "fd " + std::to_string(fd) + " is " + describe(found, fd) +
                           ", expected " + describe(expected, fd) + "\n";
        }
    }
    return differences;
}

// Runs `check` in a forked child that holds no fds above 2 but report_fd, and returns what it
// reported: empty when all was as it should be. The child raises its soft RLIMIT_NOFILE to
// child_fd_limit where that is lower.
std::string in_child(const std::function<std::string()>& check)
{
    int ends[2];
    REQUIRE(::pipe2(ends, O_CLOEXEC) == 0);
    UniqueFd read_end(ends[0]);
    UniqueFd write_end(ends[1]);
    const pid_t child = ::fork();
    if (child == 0) {
        std::string report;
        try {
            rlimit limit{};
            if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < child_fd_limit) {
                limit.rlim_cur = std::min(child_fd_limit, limit.rlim_max);
                ::setrlimit(RLIMIT_NOFILE, &limit);
            }
            if (::dup3(write_end.get(), report_fd, O_CLOEXEC) < 0) {
                const std::string problem = "no fd " + std::to_string(report_fd) +
                                            " for the report: " + errno_name(errno) +
                                            " (raise the hard RLIMIT_NOFILE to " +
                                            std::to_string(child_fd_limit) + ")\n";
                if (::write(write_end.get(), problem.data(), problem.size()) < 0) {
                    ::_exit(4);
                }
                ::_exit(3);
            }
            for (const int fd : taplaunch::list_open_fds()) {
                if (fd != report_fd) {
                    ::close(fd);
                }
            }
            report = check();
        } catch (const std::exception& error) {
            report = std::string("the check threw: ") + error.what();
        }
        for (std::size_t done = 0; done < report.size();) {
            const ssize_t written =
                ::write(report_fd, report.data() + done, report.size() - done);
            if (written <= 0) {
                ::_exit(4);
            }
            done += static_cast<std::size_t>(written);
        }
        ::_exit(0);
    }
    REQUIRE(child > 0);
    write_end.reset();
    std::string report;
    char buffer[4096];
    while (true) {
        const ssize_t got = ::read(read_end.get(), buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            break;
        }
        report.append(buffer, static_cast<std::size_t>(got));
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        report += "the child ended with wait status " + std::to_string(status) + "\n";
    }
    return report;
}

// In the child: gives each distinct source of `placements` a pipe whose write end sits at the
// source's number, close-on-exec as taplaunch's own fds are; adds the bystanders. Returns the
// sources in order, or throws what went wrong.
std::vector<int> lay_out(const Placements& placements)
{
    std::vector<int> sources;
    for (const FdPlacement& placement : placements) {
        if (std::find(sources.begin(), sources.end(), placement.source) == sources.end()) {
            sources.push_back(placement.source);
        }
    }
    const auto reserved = [&](int fd) {
        return fd == report_fd || fd == inheritable_bystander_fd || fd == cloexec_bystander_fd ||
               (fd >= first_reader_fd && fd < first_reader_fd + static_cast<int>(sources.size()));
    };
    for (const FdPlacement& placement : placements) {
        if (reserved(placement.source) || reserved(placement.target)) {
            throw std::runtime_error("the case uses a number the harness keeps for itself");
        }
    }
    const auto must = [](int result, const char* call) {
        if (result < 0) {
            throw std::runtime_error(std::string(call) + ": " + errno_name(errno));
        }
        return result;
    };
    // Each pipe's ends at scratch numbers first, so that moving one down never closes another.
    std::vector<std::pair<int, int>> scratch;
    for (std::size_t k = 0; k < sources.size(); ++k) {
        int ends[2];
        must(::pipe2(ends, O_CLOEXEC | O_NONBLOCK), "pipe2");
        scratch.emplace_back(must(::fcntl(ends[0], F_DUPFD_CLOEXEC, scratch_fd), "F_DUPFD"),
                             must(::fcntl(ends[1], F_DUPFD_CLOEXEC, scratch_fd), "F_DUPFD"));
        ::close(ends[0]);
        ::close(ends[1]);
    }
    for (std::size_t k = 0; k < sources.size(); ++k) {
        must(::dup3(scratch[k].first, first_reader_fd + static_cast<int>(k), O_CLOEXEC), "dup3");
        must(::dup3(scratch[k].second, sources[k], O_CLOEXEC), "dup3");
        ::close(scratch[k].first);
        ::close(scratch[k].second);
    }
    const int null = must(::open("/dev/null", O_WRONLY | O_CLOEXEC), "open /dev/null");
    must(::dup2(null, inheritable_bystander_fd), "dup2");
    must(::dup3(null, cloexec_bystander_fd, O_CLOEXEC), "dup3");
    ::close(null);
    return sources;
}

// In the child: lays out the fds, calls place_fds, and reports every way in which the result
// differs from: each target inheritable and leading into its source's pipe, every other fd as
// it was (FD_CLOEXEC included), nothing else opened.
std::string place_and_check(const Placements& placements)
{
    const std::vector<int> sources = lay_out(placements);
    const std::map<int, bool> before = fd_table();
    const int result = place_fds(placements);
    const std::map<int, bool> after = fd_table();
    if (result != 0) {
        return "place_fds returned " + errno_name(result) + "\n";
    }
    std::map<int, bool> expected = before;
    for (const FdPlacement& placement : placements) {
        expected[placement.target] = false;
    }
    std::string problems = table_differences(expected, after);
    for (std::size_t i = 0; i < placements.size(); ++i) {
        const FdPlacement& placement = placements[i];
        const std::string message = "placement " + std::to_string(i);
        const auto k =
            std::find(sources.begin(), sources.end(), placement.source) - sources.begin();
        const int reader = first_reader_fd + static_cast<int>(k);
        char buffer[64] = {};
        const ssize_t written = ::write(placement.target, message.data(), message.size());
        const ssize_t got = ::read(reader, buffer, sizeof buffer);
        if (written != static_cast<ssize_t>(message.size()) ||
            std::string(buffer, static_cast<std::size_t>(std::max<ssize_t>(got, 0))) != message) {
            problems += "fd " + std::to_string(placement.target) +
                        " does not lead into the pipe of source " +
                        std::to_string(placement.source) + "\n";
        }
    }
    return problems;
}

// In the child: lays out the fds, lowers RLIMIT_NOFILE to `fd_limit` (0: leaves it), calls
// place_fds and reports unless it returned `expected_error` and changed no fd.
std::string place_and_expect_error(const Placements& placements, int expected_error,
                                   rlim_t fd_limit = 0)
{
    lay_out(placements);
    if (fd_limit != 0) {
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = fd_limit;
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
            return "setrlimit: " + errno_name(errno) + "\n";
        }
    }
    const std::map<int, bool> before = fd_table();
    const int result = place_fds(placements);
    const std::map<int, bool> after = fd_table();
    std::string problems;
    if (result != expected_error) {
        problems += "place_fds returned " + errno_name(result) + ", expected " +
                    errno_name(expected_error) + "\n";
    }
    return problems + table_differences(before, after);
}

// `count` placements of fd 3 at 100, 101, ...
Placements fd_3_placed(int count)
{
    Placements placements;
    for (int i = 0; i < count; ++i) {
        placements.push_back({3, 100 + i});
    }
    return placements;
}

}  // namespace

TEST_CASE("place_fds places each source at its target, inheritable, leaving other fds as they were")
{
    const auto [layout, placements] = GENERATE(table<const char*, Placements>({
        {"a cycle: each source onto the other's number", {{3, 4}, {4, 3}}},
        {"a cycle of three", {{3, 4}, {4, 5}, {5, 3}}},
        {"a target that a later placement's source occupies", {{4, 3}, {3, 5}}},
        {"a source already at its target", {{3, 3}}},
        {"one source in place while two swap", {{3, 3}, {4, 5}, {5, 4}}},
        {"targets far above every open fd", {{3, 700}, {4, 900}}},
        {"a source far above its target", {{900, 3}}},
        {"one source at two targets", {{3, 4}, {3, 5}}},
    }));
    INFO(layout);
    const Placements& wanted = placements;  // clang 14 cannot capture a structured binding
    CHECK(in_child([&] { return place_and_check(wanted); }) == "");
}

TEST_CASE("place_fds takes up to max_emulator_fds placements and refuses more with EMFILE")
{
    static constexpr int cap = static_cast<int>(max_emulator_fds);
    CHECK(in_child([] { return place_and_check(fd_3_placed(cap)); }) == "");
    // Refused before any change: no fd opened, closed or changed.
    CHECK(in_child([] { return place_and_expect_error(fd_3_placed(cap + 1), EMFILE); }) == "");
}

TEST_CASE("place_fds returns the errno of the call that failed: no number above a target")
{
    // With RLIMIT_NOFILE at 64 there is no number above target 63 to park fd 3's copy at.
    CHECK(in_child([] { return place_and_expect_error({{3, 63}}, EINVAL, 64); }) == "");
}

TEST_CASE("place_fds that fails part way leaves no parked copy behind")
{
    // With RLIMIT_NOFILE at 64, the copy of fd 3 parks at 63 (above target 62), and then there
    // is no number left for fd 4's: the failure must close the copy already parked.
    CHECK(in_child([] { return place_and_expect_error({{3, 40}, {4, 62}}, EMFILE, 64); }) == "");
}
