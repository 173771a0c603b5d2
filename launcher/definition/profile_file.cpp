#include "definition/profile_file.hpp"

#include "definition/blank.hpp"
#include "definition/guest_settings.hpp"
#include "definition/shell_words.hpp"
#include "launch_error.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <stdexcept>

namespace taplaunch {

std::string ProfileFile::where(int line) const
{
    return "profile '" + path + "' line " + std::to_string(line);
}

ProfileFile parse_profile(const std::string& path, std::string_view file_text)
{
    ProfileFile profile;
    profile.path = path;
    profile.stem = std::filesystem::path(path).stem().string();

    std::map<std::string, int> first_line_of;
    int line = 0;
    while (!file_text.empty()) {
        ++line;
        const std::size_t end = file_text.find('\n');
        const std::string content(trimmed(file_text.substr(0, end)));
        file_text = end == std::string_view::npos ? std::string_view() : file_text.substr(end + 1);
        if (content.empty() || content.front() == '#') {
            continue;
        }
        const std::string where = profile.where(line);
        if (content.front() == '[') {
            throw DefinitionError(where + ": sections such as '" + excerpt(content) +
                                  "' are not used (write key = value lines only, e.g. nic = "
                                  "bridge=br0)");
        }
        const std::size_t equals = content.find('=');
        const std::string key(trimmed(std::string_view(content).substr(0, equals)));
        if (equals == std::string::npos ||
            std::any_of(key.begin(), key.end(), [](char c) { return is_blank(c); })) {
            throw DefinitionError(where + ": '" + excerpt(content) +
                                  "' is not key = value (one word, '=', then the value, e.g. "
                                  "nic = bridge=br0; # starts a comment)");
        }
        const GuestSetting* setting = find_guest_setting(key);
        if (!setting) {
            throw DefinitionError(where + ": unknown key '" + excerpt(key) + "' (known keys: " +
                                  guest_setting_names() + ")");
        }
        if (!setting->repeats) {
            const auto [earlier, first] = first_line_of.emplace(key, line);
            if (!first) {
                throw DefinitionError(where + ": key '" + key + "' is given more than once (line " +
                                      std::to_string(earlier->second) +
                                      " has it too; keep one: only args and nic repeat)");
            }
        }
        ProfileEntry entry{key, {}, line};
        try {
            entry.words = split_shell_words(content.substr(equals + 1));
        } catch (const std::invalid_argument& error) {
            throw DefinitionError(where + ": cannot split the value of " + key + ": " +
                                  error.what() +
                                  " (quote as in a POSIX shell; a value cannot span lines)");
        }
        profile.entries.push_back(std::move(entry));
    }
    return profile;
}

}  // namespace taplaunch
