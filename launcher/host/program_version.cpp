#include "host/program_version.hpp"

#include "host/program_output.hpp"

#include <chrono>

namespace taplaunch {

std::optional<std::string> read_program_version(const std::string& path)
{
    const auto output = run_program(path, {"--version"}, std::chrono::seconds(2));
    if (!output) {
        return std::nullopt;
    }
    std::string line = output->out.substr(0, output->out.find('\n'));
    if (line.empty()) {
        return std::nullopt;
    }
    return line;
}

}  // namespace taplaunch
