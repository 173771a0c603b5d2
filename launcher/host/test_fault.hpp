#pragma once
// A hook for tests that must see a step fail which nothing outside taplaunch can make fail:
// with TAPLAUNCH_TEST_FAULT=POINT in the environment, the step at POINT fails as if its system
// call had returned EIO. Points, in the supervisor's child between fork and exec:
// "emulator-child:pdeathsig" (PR_SET_PDEATHSIG) and "emulator-child:place-fds" (placing the
// TAP fds). A failure is all it causes, and it is ignored when taplaunch runs with privileges
// its caller lacks (secure_getenv).

#include <string_view>

namespace taplaunch {

// Whether TAPLAUNCH_TEST_FAULT names `point`. Reads the environment: call it before fork.
bool test_fault(std::string_view point);

}  // namespace taplaunch
