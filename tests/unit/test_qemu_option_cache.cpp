// The cache of QEMU's -help options: keyed by the binary's identity, written atomically, and a
// damaged file is ignored and rewritten.

#include "host/qemu_option_cache.hpp"
#include "temp_dir.hpp"

#include "catch_compat.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using taplaunch::BinaryIdentity;
using taplaunch::QemuHelpOptions;
using taplaunch_test::TempDir;

namespace {

QemuHelpOptions some_options(const std::string& version)
{
    QemuHelpOptions options;
    options.version = version;
    options.takes_value = {{"run-with", true}, {"netdev", true}, {"perfmap", false}};
    return options;
}

std::string read_text(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Asks like a QEMU binary would answer, counting the questions.
struct CountingAsker {
    QemuHelpOptions answer = some_options("10.0.13");
    int asked = 0;
    std::optional<QemuHelpOptions> operator()()
    {
        ++asked;
        return answer;
    }
};

std::size_t file_count(const std::string& directory)
{
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(directory)) {
        ++count;
    }
    return count;
}

}  // namespace

TEST_CASE("the cache answers for the same binary without asking it again")
{
    TempDir dir;
    const std::string binary = dir.write("qemu-system-x86_64", "#!/bin/sh\n");
    const std::string cache = dir.path().string() + "/cache/taplaunch";
    CountingAsker asker;
    const auto ask = [&] { return asker(); };

    const auto first = taplaunch::cached_qemu_options(binary, cache, ask);
    REQUIRE(first);
    CHECK(asker.asked == 1);
    const auto second = taplaunch::cached_qemu_options(binary, cache, ask);
    REQUIRE(second);
    CHECK(asker.asked == 1);
    CHECK(second->version == "10.0.13");
    CHECK(second->takes_value == first->takes_value);
    // One file, and no temporary file left beside it.
    CHECK(file_count(cache) == 1);
}

TEST_CASE("a change of the binary's identity invalidates its cache entry")
{
    TempDir dir;
    const std::string binary = dir.write("qemu-system-x86_64", "#!/bin/sh\n");
    const std::string cache = dir.path().string() + "/cache";
    CountingAsker asker;
    const auto ask = [&] { return asker(); };
    REQUIRE(taplaunch::cached_qemu_options(binary, cache, ask));

    SECTION("a new modification time")
    {
        const timespec times[2] = {{0, UTIME_OMIT}, {1'000'000'000, 5}};
        REQUIRE(::utimensat(AT_FDCWD, binary.c_str(), times, 0) == 0);
    }
    SECTION("a new size")
    {
        std::ofstream(binary, std::ios::app) << "exec qemu\n";
    }
    SECTION("another file at the path (an upgrade renames a new one into place)")
    {
        const std::string replacement = dir.write("new", "#!/bin/sh\n");
        REQUIRE(::rename(replacement.c_str(), binary.c_str()) == 0);
    }
    asker.answer = some_options("11.1.3");
    const auto again = taplaunch::cached_qemu_options(binary, cache, ask);
    CHECK(asker.asked == 2);
    REQUIRE(again);
    CHECK(again->version == "11.1.3");
    // ...and the entry now holds the new answer.
    CHECK(taplaunch::cached_qemu_options(binary, cache, ask)->version == "11.1.3");
    CHECK(asker.asked == 2);
}

TEST_CASE("a damaged cache file is ignored and rewritten")
{
    TempDir dir;
    const std::string binary = dir.write("qemu-system-x86_64", "#!/bin/sh\n");
    const std::string cache = dir.path().string();
    const std::string file = taplaunch::qemu_option_cache_file(cache, binary);
    CountingAsker asker;
    const auto ask = [&] { return asker(); };
    REQUIRE(taplaunch::cached_qemu_options(binary, cache, ask));
    const std::string whole = read_text(file);

    const int damage = GENERATE(range(0, 6));
    const std::string damaged = std::vector<std::string>{
        std::string(),                                  // empty
        whole.substr(0, whole.size() / 2),              // cut short
        whole.substr(0, whole.size() - 4),              // without its end line
        std::string("\x7f" "ELF garbage\n"),            // not a cache file
        "taplaunch-qemu-options 0\n" + whole.substr(whole.find('\n') + 1),  // an old format
        whole.substr(0, whole.find("option ")) + "option run-with 2\nend\n",  // a bad line
    }.at(static_cast<std::size_t>(damage));
    INFO(damaged);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << damaged;
    const auto answer = taplaunch::cached_qemu_options(binary, cache, ask);
    CHECK(asker.asked == 2);
    REQUIRE(answer);
    CHECK(answer->takes_value.at("run-with"));
    CHECK(read_text(file) == whole);
}

TEST_CASE("an entry for another binary is not taken, even in its file")
{
    BinaryIdentity binary{"/usr/bin/qemu-system-x86_64", 2049, 1234, 5678, 1700000000, 1};
    const std::string text = taplaunch::format_qemu_option_cache(binary, some_options("10.0.13"));
    CHECK(taplaunch::parse_qemu_option_cache(text, binary));
    BinaryIdentity other = binary;
    other.inode = 1235;
    CHECK_FALSE(taplaunch::parse_qemu_option_cache(text, other));
    other = binary;
    other.path = "/usr/local/bin/qemu-system-x86_64";
    CHECK_FALSE(taplaunch::parse_qemu_option_cache(text, other));
}

TEST_CASE("write_file_atomically replaces the file whole, through a rename")
{
    TempDir dir;
    const std::string file = dir.write("entry", "old contents\n");
    struct stat before {};
    REQUIRE(::stat(file.c_str(), &before) == 0);
    // A reader holding the old file keeps reading the old contents: the new file is another
    // inode, renamed over the name.
    std::ifstream reader(file);
    CHECK(taplaunch::write_file_atomically(file, "new contents\n"));
    struct stat after {};
    REQUIRE(::stat(file.c_str(), &after) == 0);
    CHECK(after.st_ino != before.st_ino);
    CHECK(read_text(file) == "new contents\n");
    std::string old_line;
    std::getline(reader, old_line);
    CHECK(old_line == "old contents");
    CHECK(file_count(dir.path().string()) == 1);

    // A directory it cannot write leaves nothing behind and says so.
    CHECK_FALSE(taplaunch::write_file_atomically(dir.path().string() + "/missing/entry", "x"));
}

TEST_CASE("without a cache directory the binary is asked every time")
{
    TempDir dir;
    const std::string binary = dir.write("qemu-system-x86_64", "#!/bin/sh\n");
    CountingAsker asker;
    const auto ask = [&] { return asker(); };
    taplaunch::cached_qemu_options(binary, std::nullopt, ask);
    taplaunch::cached_qemu_options(binary, std::nullopt, ask);
    CHECK(asker.asked == 2);
}

TEST_CASE("the cache directory is the caller's XDG_CACHE_HOME, else HOME's .cache")
{
    // Restores both variables however the test ends.
    struct SavedVariable {
        const char* name;
        std::optional<std::string> value;
        explicit SavedVariable(const char* variable) : name(variable)
        {
            if (const char* set = ::getenv(variable)) {
                value = set;
            }
        }
        ~SavedVariable()
        {
            if (value) {
                ::setenv(name, value->c_str(), 1);
            } else {
                ::unsetenv(name);
            }
        }
    };
    const SavedVariable cache_home("XDG_CACHE_HOME");
    const SavedVariable home("HOME");

    ::setenv("XDG_CACHE_HOME", "/srv/cache", 1);
    ::setenv("HOME", "/home/alice", 1);
    CHECK(taplaunch::caller_cache_directory() == "/srv/cache/taplaunch");
    // The XDG spec ignores a relative path.
    ::setenv("XDG_CACHE_HOME", "relative", 1);
    CHECK(taplaunch::caller_cache_directory() == "/home/alice/.cache/taplaunch");
    ::unsetenv("XDG_CACHE_HOME");
    CHECK(taplaunch::caller_cache_directory() == "/home/alice/.cache/taplaunch");
    ::unsetenv("HOME");
    CHECK_FALSE(taplaunch::caller_cache_directory());
}
