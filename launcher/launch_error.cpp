#include "launch_error.hpp"

#include <cstring>

namespace taplaunch {

std::string errno_text(int errnum)
{
    char buffer[256];
    // GNU strerror_r returns a pointer to the message, which may or may not be buffer.
    return ::strerror_r(errnum, buffer, sizeof buffer);
}

}  // namespace taplaunch
