#include "definition/shell_words.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using taplaunch::split_shell_words;
using Words = std::vector<std::string>;

TEST_CASE("split_shell_words splits at unquoted blanks")
{
    CHECK(split_shell_words("  -m   512\t-nographic ") == Words{"-m", "512", "-nographic"});
    CHECK(split_shell_words("").empty());
    CHECK(split_shell_words("   ").empty());
}

TEST_CASE("split_shell_words keeps single-quoted text literally")
{
    CHECK(split_shell_words(R"('a "b" \c $d')") == Words{R"(a "b" \c $d)"});
}

TEST_CASE("split_shell_words honours only shell escapes inside double quotes")
{
    CHECK(split_shell_words(R"("a \"b\" \\ \$ \x")") == Words{R"(a "b" \ $ \x)"});
}

TEST_CASE("split_shell_words joins quoted and plain parts of one word")
{
    CHECK(split_shell_words(R"(console='ttyS0 quiet'"x"y)") == Words{"console=ttyS0 quietxy"});
}

TEST_CASE("split_shell_words keeps empty quoted words")
{
    CHECK(split_shell_words(R"(a "" '' b)") == Words{"a", "", "", "b"});
}

TEST_CASE("split_shell_words treats # as a comment only at the start of a word")
{
    CHECK(split_shell_words("a b#c # rest") == Words{"a", "b#c"});
    CHECK(split_shell_words("'#a' \\#b") == Words{"#a", "#b"});
}

TEST_CASE("split_shell_words rejects unterminated quotes and a trailing backslash")
{
    CHECK_THROWS_WITH(split_shell_words("a 'b"), "unterminated single quote");
    CHECK_THROWS_WITH(split_shell_words("a \"b"), "unterminated double quote");
    CHECK_THROWS_WITH(split_shell_words("a b\\"), "trailing backslash");
}
