#pragma once
// TempDir: a fresh directory under the system temp directory for tests that read files;
// removed with everything in it when the test ends.

#include "catch_compat.hpp"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace taplaunch_test {

class TempDir {
public:
    TempDir()
    {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "taplaunch-unit-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            FAIL("mkdtemp failed");
        }
        path_ = pattern;
    }
    ~TempDir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    // Writes `contents` to `name` in the directory and returns the file's path.
    std::string write(const std::string& name, const std::string& contents) const
    {
        const std::filesystem::path file = path_ / name;
        std::ofstream out(file, std::ios::binary);
        out << contents;
        out.close();
        REQUIRE(out);
        return file.string();
    }

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace taplaunch_test
