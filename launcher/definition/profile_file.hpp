#pragma once
// ProfileFile: a guest definition stored as `key = value` lines, keyed by the long option
// names (guest_settings.hpp). Values are split into words as a POSIX shell splits them, by the
// same lexer as everything else (shell_words.hpp): quotes, backslashes, and `#` starting a
// comment at the start of a word.

#include <string>
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

// Reads and checks a profile: every key known, keys that do not repeat given once. Throws
// DefinitionError naming the file, the line and the fix.
ProfileFile read_profile_file(const std::string& path);

}  // namespace taplaunch
