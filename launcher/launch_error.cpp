#include "launch_error.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace taplaunch {

std::string single_line(std::string_view text)
{
    std::string line;
    line.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\n') {
            line += "\\n";
        } else if (c == '\t') {
            line += "\\t";
        } else if (c == '\r') {
            line += "\\r";
        } else if (byte < 0x20 || byte == 0x7f) {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\x%02x", byte);
            line += escape;
        } else {
            line += c;
        }
    }
    if (line.size() > max_message_length) {
        constexpr std::string_view gap = " ... ";
        const std::size_t head = max_message_length / 2;
        const std::size_t tail = max_message_length - head - gap.size();
        line = line.substr(0, head) + std::string(gap) + line.substr(line.size() - tail);
    }
    return line;
}

std::string excerpt(std::string_view text, std::size_t limit)
{
    if (text.size() <= limit) {
        return std::string(text);
    }
    return std::string(text.substr(0, limit)) + "...(" + std::to_string(text.size()) + " bytes)";
}

void report_line(std::string_view line)
{
    const int saved_errno = errno;
    const std::string text = "taplaunch: " + std::string(line) + "\n";
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t count = ::write(STDERR_FILENO, text.data() + written, text.size() - written);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count <= 0) {
            break;
        }
        written += static_cast<std::size_t>(count);
    }
    errno = saved_errno;
}

std::string errno_text(int errnum)
{
    char buffer[256];
    // GNU strerror_r returns a pointer to the message, which may or may not be buffer.
    return ::strerror_r(errnum, buffer, sizeof buffer);
}

}  // namespace taplaunch
