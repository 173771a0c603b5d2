#include "host/test_fault.hpp"

#include <cstdlib>

namespace taplaunch {

bool test_fault(std::string_view point)
{
    const char* wanted = ::secure_getenv("TAPLAUNCH_TEST_FAULT");
    return wanted && point == wanted;
}

}  // namespace taplaunch
