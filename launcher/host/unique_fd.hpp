#pragma once
// A move-only owner of one file descriptor, closed when the owner goes away.

#include <unistd.h>

#include <cerrno>
#include <utility>

namespace taplaunch {

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept
    {
        if (this != &other) {
            reset(other.release());
        }
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    // Gives up ownership, for the one place that hands the fd on (exec).
    [[nodiscard]] int release() { return std::exchange(fd_, -1); }
    // Closes the fd it holds and takes `fd`. Keeps errno, so that closing on an error path
    // never changes the error being reported.
    void reset(int fd = -1)
    {
        if (fd_ >= 0) {
            const int saved_errno = errno;
            ::close(fd_);
            errno = saved_errno;
        }
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

}  // namespace taplaunch
