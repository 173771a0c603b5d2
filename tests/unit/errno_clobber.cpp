#include "errno_clobber.hpp"

#include <cerrno>
#include <cstdlib>
#include <new>

namespace {

bool clobbering = false;

}  // namespace

namespace taplaunch_test {

ErrnoClobber::ErrnoClobber() { clobbering = true; }
ErrnoClobber::~ErrnoClobber() { clobbering = false; }

}  // namespace taplaunch_test

// The program's one replacement of the global allocation functions (the array and aligned
// forms of the library call these).
void* operator new(std::size_t size)
{
    void* memory = std::malloc(size == 0 ? 1 : size);
    if (memory == nullptr) {
        throw std::bad_alloc();
    }
    if (clobbering) {
        errno = EDOM;
    }
    return memory;
}

void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }
