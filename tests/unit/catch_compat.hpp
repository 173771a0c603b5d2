#pragma once
// One test source for Catch2 2 (Debian 12) and Catch2 3 (Debian 13 and later): this header is
// the only place that knows which is installed (CMake passes TAPLAUNCH_CATCH2_MAJOR). Tests
// include it and take their matchers from test_matchers, never from Catch::Matchers directly.

#include <string>

#if TAPLAUNCH_CATCH2_MAJOR >= 3
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

namespace test_matchers {

// "The string contains this substring": Contains in Catch2 2, ContainsSubstring in 3 (where
// Contains became the range matcher).
#if TAPLAUNCH_CATCH2_MAJOR >= 3
inline Catch::Matchers::StringContainsMatcher Contains(const std::string& substring) {
    return Catch::Matchers::ContainsSubstring(substring);
}
#else
inline Catch::Matchers::StdString::ContainsMatcher Contains(const std::string& substring) {
    return Catch::Matchers::Contains(substring);
}
#endif

using Catch::Matchers::StartsWith;

// Floating-point comparison with a tolerance: Catch::Detail::Approx in Catch2 2, Catch::Approx in 3.
#if TAPLAUNCH_CATCH2_MAJOR >= 3
using Catch::Approx;
#else
using Catch::Detail::Approx;
#endif

}  // namespace test_matchers
