#pragma once
// ProfileFile: a guest definition stored as `key = value` lines, keyed by the long option
// names (guest_settings.hpp). Values are split into words as a POSIX shell splits them, by the
// same lexer as everything else (shell_words.hpp): quotes, backslashes, and `#` starting a
// comment at the start of a word.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace taplaunch {

struct ProfileEntry {
    std::string key;                 // a guest setting's name
    std::vector<std::string> words;  // the value, split into shell words
    int line = 0;                    // 1-based
};

struct ProfileFile {
    std::string path;                   // as given
    std::string stem;                   // the file name without directory and extension
    std::vector<ProfileEntry> entries;  // in file order
    // "profile 'PATH' line N", the prefix of every error about one of its values.
    std::string where(int line) const;
};

// The largest profile taplaunch reads.
inline constexpr std::size_t max_profile_bytes = 1 << 20;

// Parses and checks the text of the profile at `path` (reading it is input's job:
// host/definition_files.hpp): every key known, keys that do not repeat given once. Throws
// DefinitionError naming the file, the line and the fix.
ProfileFile parse_profile(const std::string& path, std::string_view text);

}  // namespace taplaunch
