#pragma once
// Quoting for printing commands that a POSIX shell reads back as the same words.

#include <string>
#include <string_view>
#include <vector>

namespace taplaunch {

// One word, single-quoted when it holds anything a shell would interpret.
std::string shell_quote(std::string_view word);
// The words joined by spaces, each quoted as needed.
std::string shell_join(const std::vector<std::string>& words);

}  // namespace taplaunch
