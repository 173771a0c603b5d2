#include "definition/shell_words.hpp"

#include "definition/blank.hpp"

#include <optional>
#include <stdexcept>

namespace taplaunch {

std::vector<std::string> split_shell_words(std::string_view line)
{
    std::vector<std::string> words;
    std::optional<std::string> word;  // engaged once the current word has begun
    std::size_t i = 0;
    while (i < line.size()) {
        const char c = line[i];
        if (is_blank(c)) {
            if (word) {
                words.push_back(std::move(*word));
                word.reset();
            }
            ++i;
        } else if (c == '#' && !word) {
            break;
        } else if (c == '\'') {
            const std::size_t close = line.find('\'', i + 1);
            if (close == std::string_view::npos) {
                throw std::invalid_argument("unterminated single quote");
            }
            word = word.value_or("") + std::string(line.substr(i + 1, close - i - 1));
            i = close + 1;
        } else if (c == '"') {
            std::string quoted;
            std::size_t j = i + 1;
            for (; j < line.size() && line[j] != '"'; ++j) {
                if (line[j] == '\\' && j + 1 < line.size() &&
                    std::string_view("$`\"\\\n").find(line[j + 1]) != std::string_view::npos) {
                    ++j;
                }
                quoted += line[j];
            }
            if (j >= line.size()) {
                throw std::invalid_argument("unterminated double quote");
            }
            word = word.value_or("") + quoted;
            i = j + 1;
        } else if (c == '\\') {
            if (i + 1 >= line.size()) {
                throw std::invalid_argument("trailing backslash");
            }
            word = word.value_or("") + line[i + 1];
            i += 2;
        } else {
            word = word.value_or("") + c;
            ++i;
        }
    }
    if (word) {
        words.push_back(std::move(*word));
    }
    return words;
}

}  // namespace taplaunch
