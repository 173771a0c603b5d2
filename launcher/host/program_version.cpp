#include "host/program_version.hpp"

#include "host/program_output.hpp"

#include <chrono>

namespace taplaunch {

namespace {

constexpr auto version_time_limit = std::chrono::seconds(2);
constexpr int killed_by_time_limit = 128 + 9;  // run_program's status for a killed program

}  // namespace

std::optional<std::string> read_program_version(const std::string& path)
{
    const auto output = run_program(path, {"--version"}, version_time_limit);
    if (!output) {
        return std::nullopt;
    }
    std::string line = output->out.substr(0, output->out.find('\n'));
    if (line.empty()) {
        return std::nullopt;
    }
    return line;
}

std::optional<std::string> read_program_answer(const std::string& path, const char* argument,
                                               std::chrono::milliseconds limit)
{
    const auto output = run_program(path, {argument}, limit);
    // A part of an answer is no answer: nothing printed, or killed before it finished.
    if (!output || output->out.empty() || output->status == killed_by_time_limit) {
        return std::nullopt;
    }
    return output->out;
}

}  // namespace taplaunch
