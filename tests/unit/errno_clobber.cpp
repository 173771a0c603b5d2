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

// Under AddressSanitizer its runtime owns the allocation functions: its array and aligned
// forms do not call a replacement, so their memory would reach the free() below. There the
// clobber is off and the tests check the plain path; every other build clobbers.
#if defined(__SANITIZE_ADDRESS__)
#define TAPLAUNCH_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TAPLAUNCH_TEST_ASAN 1
#endif
#endif

#ifndef TAPLAUNCH_TEST_ASAN
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
#endif
