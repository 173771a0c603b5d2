#include "host/program_output.hpp"
#include "temp_dir.hpp"

#include "catch_compat.hpp"

#include <stdlib.h>
#include <sys/stat.h>

#include <optional>
#include <string>

using taplaunch::find_program;
using taplaunch_test::TempDir;

namespace {

// Sets PATH for one test and puts the old value back.
class PathVariable {
public:
    explicit PathVariable(const std::string& value)
    {
        if (const char* old = ::getenv("PATH")) {
            old_ = old;
        }
        ::setenv("PATH", value.c_str(), 1);
    }
    ~PathVariable()
    {
        if (old_) {
            ::setenv("PATH", old_->c_str(), 1);
        } else {
            ::unsetenv("PATH");
        }
    }
    PathVariable(const PathVariable&) = delete;
    PathVariable& operator=(const PathVariable&) = delete;

private:
    std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("find_program searches PATH in order, then the extra directories")
{
    const TempDir first;
    const TempDir second;
    const std::string runnable = first.write("prog", "#!/bin/sh\n");
    REQUIRE(::chmod(runnable.c_str(), 0755) == 0);
    second.write("plain", "not runnable\n");
    const std::string later = second.write("prog", "#!/bin/sh\n");
    REQUIRE(::chmod(later.c_str(), 0755) == 0);

    const PathVariable path(second.path().string() + ":" + first.path().string());
    CHECK(find_program("prog") == later);
    CHECK_FALSE(find_program("plain").has_value());
    CHECK_FALSE(find_program("absent").has_value());
    CHECK(find_program(runnable) == runnable);

    const PathVariable elsewhere("/nonexistent");
    CHECK_FALSE(find_program("prog").has_value());
    CHECK(find_program("prog", {first.path().string()}) == runnable);
}
