#pragma once
// What counts as blank in every text taplaunch reads (profile lines, shell words, the bridge
// ACL): space, tab, newline, carriage return, vertical tab and form feed, as C's isspace has
// it in the C locale, whatever the locale.

#include <string_view>

namespace taplaunch {

constexpr bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// `text` without the blanks at its start and its end.
constexpr std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && is_blank(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_blank(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

}  // namespace taplaunch
