#include "host/input_file.hpp"

#include "launch_error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace taplaunch {

InputFileError::InputFileError(int error) : std::runtime_error(errno_text(error)), error_(error)
{
}

InputFile InputFile::open(const std::string& path, int extra_flags)
{
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | extra_flags));
    if (!fd.valid()) {
        const int error = errno;  // before throw allocates the exception
        throw InputFileError(error);
    }
    struct stat status {};
    if (::fstat(fd.get(), &status) != 0) {
        const int error = errno;
        throw InputFileError(error);
    }
    return InputFile(std::move(fd), status);
}

std::string InputFile::read_all(std::size_t max_bytes)
{
    std::string text;
    char buffer[4096];
    while (true) {
        const ssize_t got = ::read(fd_.get(), buffer, sizeof buffer);
        if (got < 0) {
            const int error = errno;
            if (error == EINTR) {
                continue;
            }
            throw InputFileError(error);
        }
        if (got == 0) {
            return text;
        }
        if (text.size() + static_cast<std::size_t>(got) > max_bytes) {
            throw InputFileError(EFBIG);
        }
        text.append(buffer, static_cast<std::size_t>(got));
    }
}

}  // namespace taplaunch
