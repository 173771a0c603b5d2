#pragma once
// Splitting a line into words as a POSIX shell does, without any expansion.

#include <string>
#include <string_view>
#include <vector>

namespace taplaunch {

// Splits `line` at unquoted white space. '...' is literal; in "..." a backslash escapes only
// $ ` " \ and newline; outside quotes a backslash makes the next character literal; "" and ''
// make an empty word; an unquoted # at the start of a word begins a comment. No $, ~ or glob
// expansion. Throws std::invalid_argument naming what is wrong (an unterminated quote, a
// trailing backslash).
std::vector<std::string> split_shell_words(std::string_view line);

}  // namespace taplaunch
