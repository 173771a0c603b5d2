#include "host/test_pause.hpp"

#include <signal.h>

#include <cstdlib>

namespace taplaunch {

void pause_point(std::string_view point)
{
    const char* wanted = ::secure_getenv("TAPLAUNCH_TEST_PAUSE");
    if (wanted && point == wanted) {
        ::raise(SIGSTOP);
    }
}

}  // namespace taplaunch
