#include "definition/shell_words.hpp"

#include "catch_compat.hpp"

#include <stdexcept>
#include <string>
#include <vector>

using taplaunch::split_shell_words;
using Words = std::vector<std::string>;

TEST_CASE("split_shell_words splits words as a POSIX shell does, without expansion")
{
    const auto [line, words] = GENERATE(table<const char*, Words>({
        // Unquoted blanks separate words.
        {"  -m   512\t-nographic ", {"-m", "512", "-nographic"}},
        {"", {}},
        {"   ", {}},
        // Single quotes keep everything literally.
        {R"('a "b" \c $d')", {R"(a "b" \c $d)"}},
        // Inside double quotes only the shell's escapes count.
        {R"("a \"b\" \\ \$ \x")", {R"(a "b" \ $ \x)"}},
        // Quoted and plain parts join into one word.
        {R"(console='ttyS0 quiet'"x"y)", {"console=ttyS0 quietxy"}},
        // Empty quotes are an empty word.
        {R"(a "" '' b)", {"a", "", "", "b"}},
        // # starts a comment only at the start of a word.
        {"a b#c # rest", {"a", "b#c"}},
        {"'#a' \\#b", {"#a", "#b"}},
    }));
    INFO(line);
    CHECK(split_shell_words(line) == words);
}

TEST_CASE("split_shell_words rejects unterminated quotes and a trailing backslash")
{
    const auto [line, problem] = GENERATE(table<const char*, const char*>({
        {"a 'b", "unterminated single quote"},
        {"a \"b", "unterminated double quote"},
        {"a b\\", "trailing backslash"},
    }));
    INFO(line);
    CHECK_THROWS_WITH(split_shell_words(line), problem);
}
