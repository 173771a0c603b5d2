#pragma once
// InputFile: a file taplaunch takes as input (a profile, the bridge ACL), opened once, looked
// at with fstat and read whole. Every failure carries the errno of the call that failed,
// saved before anything else runs.

#include "host/unique_fd.hpp"

#include <sys/stat.h>

#include <cstddef>
#include <stdexcept>
#include <string>

namespace taplaunch {

// Opening, inspecting or reading an input file failed: what() is strerror of error().
class InputFileError : public std::runtime_error {
public:
    explicit InputFileError(int error);
    // The errno of the call that failed (EFBIG: longer than the reader takes).
    int error() const { return error_; }

private:
    int error_;
};

class InputFile {
public:
    // Opens `path` read-only, close-on-exec and never as a controlling terminal, with
    // `extra_flags` added (O_NONBLOCK: never wait for a FIFO's writer), and fstat's it.
    // Throws InputFileError.
    static InputFile open(const std::string& path, int extra_flags = 0);

    // What fstat said of the opened file.
    const struct stat& status() const { return status_; }

    // Reads from where the file stands to its end. Throws InputFileError: the read's errno,
    // or EFBIG when there are more than `max_bytes`.
    std::string read_all(std::size_t max_bytes);

private:
    InputFile(UniqueFd fd, const struct stat& status) : fd_(std::move(fd)), status_(status) {}

    UniqueFd fd_;
    struct stat status_ {};
};

}  // namespace taplaunch
