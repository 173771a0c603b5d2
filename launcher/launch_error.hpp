#pragma once
// The two kinds of failure taplaunch reports, each a one-line message with its exit status.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace taplaunch {

// Exit status for a bad guest definition or bad usage: nothing on the host was touched.
inline constexpr int exit_bad_definition = 2;
// Exit status for a failure while reading or changing the host: every change was rolled back.
inline constexpr int exit_host_failure = 1;

// `text` with every control character written as an escape (\n, \t, \xNN), so that a
// message quoting user input stays one line; a message longer than max_message_length keeps
// its start and its end (the problem and the fix) around " ... ".
std::string single_line(std::string_view text);
inline constexpr std::size_t max_message_length = 1000;

// User input to quote in a message: `text` itself, or its first `limit` bytes and how long it
// is, so that one enormous argument does not make an enormous message.
std::string excerpt(std::string_view text, std::size_t limit = 60);

// The guest definition (options, profile, NIC spec) is wrong; the message names the fix.
class DefinitionError : public std::runtime_error {
public:
    explicit DefinitionError(std::string_view message) : std::runtime_error(single_line(message)) {}
};

// Several things wrong with a guest definition, found together (--dry-run lists them all):
// what() is the first, lines() all of them, each one line.
class DefinitionProblems : public DefinitionError {
public:
    explicit DefinitionProblems(std::vector<std::string> lines)
        : DefinitionError(lines.empty() ? std::string() : lines.front()), lines_(std::move(lines))
    {
    }
    const std::vector<std::string>& lines() const { return lines_; }

private:
    std::vector<std::string> lines_;
};

// Reading or changing the host failed (netlink, /dev/net/tun, exec).
class HostError : public std::runtime_error {
public:
    explicit HostError(std::string_view message) : std::runtime_error(single_line(message)) {}
};

// Writes "taplaunch: <line>\n" to stderr in one write(2), so that the line stays whole beside an
// emulator writing to the same pipe. Keeps errno.
void report_line(std::string_view line);

// strerror(errnum) as a std::string, thread-safe.
std::string errno_text(int errnum);

}  // namespace taplaunch
