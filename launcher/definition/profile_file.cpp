#include "definition/profile_file.hpp"

#include "definition/shell_words.hpp"
#include "launch_error.hpp"

#include <boost/program_options.hpp>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace po = boost::program_options;

namespace taplaunch {

namespace {

constexpr const char* known_keys =
    "name, emulator, emulator-kind, args, nic, uml-transport, supervise, owner";

// Boost's reader ends every line at its first '#'. A profile follows the shell instead: '#'
// starts a comment only at the start of a word and outside quotes. Such comments are cut
// here, and every other '#' travels through Boost as this stand-in.
constexpr char hash_stand_in = '\x1f';

po::options_description profile_keys()
{
    po::options_description keys;
    keys.add_options()
        ("name", po::value<std::string>())
        ("emulator", po::value<std::string>())
        ("emulator-kind", po::value<std::string>())
        ("args", po::value<std::vector<std::string>>()->composing())
        ("nic", po::value<std::vector<std::string>>()->composing())
        ("uml-transport", po::value<std::string>())
        ("supervise", po::value<bool>())
        ("owner", po::value<std::string>());
    return keys;
}

std::string without_shell_comments(const std::string& text)
{
    std::string result;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        char quote = 0;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const char c = line[i];
            if (quote == 0 && c == '\\' && i + 1 < line.size()) {
                ++i;
                if (line[i] == '#') {
                    line[i] = hash_stand_in;
                }
            } else if (quote == 0 && (c == '\'' || c == '"')) {
                quote = c;
            } else if (quote != 0 && c == quote) {
                quote = 0;
            } else if (c == '#') {
                const bool starts_word = i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t' ||
                                         line[i - 1] == '=';
                if (quote == 0 && starts_word) {
                    line.erase(i);
                    break;
                }
                line[i] = hash_stand_in;
            }
        }
        result += line;
        result += '\n';
    }
    return result;
}

std::string restore_hashes(std::string value)
{
    for (char& c : value) {
        if (c == hash_stand_in) {
            c = '#';
        }
    }
    return value;
}

// The 1-based line of the `occurrence`-th (0-based) assignment to `key`; 0 if not found.
int line_of_key(const std::string& text, const std::string& key, std::size_t occurrence = 0)
{
    std::istringstream lines(text);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
        ++number;
        const std::size_t start = line.find_first_not_of(" \t");
        if (start == std::string::npos) {
            continue;
        }
        const std::size_t equals = line.find('=', start);
        std::string candidate = line.substr(start, equals - start);
        candidate.erase(candidate.find_last_not_of(" \t") + 1);
        if (candidate == key && occurrence-- == 0) {
            return number;
        }
    }
    return 0;
}

std::string where(const std::string& path, int line)
{
    return "profile '" + path + "'" + (line > 0 ? " line " + std::to_string(line) : "");
}

}  // namespace

ProfileFile read_profile_file(const std::string& path)
{
    std::ifstream file(path);
    if (!file) {
        throw DefinitionError("cannot read profile '" + path + "': " + errno_text(errno) +
                              " (check the path given to --profile)");
    }
    std::ostringstream contents;
    contents << file.rdbuf();
    const std::string text = contents.str();

    po::variables_map values;
    try {
        std::istringstream stream(without_shell_comments(text));
        po::store(po::parse_config_file(stream, profile_keys(), false), values);
    } catch (const po::unknown_option& error) {
        const std::string key = error.get_option_name();
        throw DefinitionError(where(path, line_of_key(text, key)) + ": unknown key '" + key +
                              "' (known keys: " + known_keys + ")");
    } catch (const po::multiple_occurrences& error) {
        const std::string key = error.get_option_name();
        throw DefinitionError(where(path, line_of_key(text, key, 1)) + ": key '" + key +
                              "' is given more than once (keep one; only args and nic repeat)");
    } catch (const po::validation_error& error) {
        const std::string key = error.get_option_name();
        throw DefinitionError(where(path, line_of_key(text, key)) + ": " + error.what() +
                              " (" + key + " takes true or false)");
    } catch (const po::error& error) {
        throw DefinitionError(where(path, 0) + ": " + error.what() +
                              " (each line is key = value, # starts a comment)");
    }

    const auto text_of = [&](const char* key) -> std::optional<std::string> {
        if (!values.count(key)) {
            return std::nullopt;
        }
        return restore_hashes(values[key].as<std::string>());
    };
    ProfileFile profile;
    profile.stem = std::filesystem::path(path).stem().string();
    profile.name = text_of("name");
    profile.emulator = text_of("emulator");
    profile.emulator_kind = text_of("emulator-kind");
    profile.uml_transport = text_of("uml-transport");
    profile.owner = text_of("owner");
    if (values.count("supervise")) {
        profile.supervise = values["supervise"].as<bool>();
    }
    if (values.count("nic")) {
        for (const std::string& nic : values["nic"].as<std::vector<std::string>>()) {
            profile.nics.push_back(restore_hashes(nic));
        }
    }
    if (values.count("args")) {
        const auto& lines = values["args"].as<std::vector<std::string>>();
        for (std::size_t index = 0; index < lines.size(); ++index) {
            const std::string line = restore_hashes(lines[index]);
            try {
                for (std::string& word : split_shell_words(line)) {
                    profile.args.push_back(std::move(word));
                }
            } catch (const std::invalid_argument& error) {
                throw DefinitionError(where(path, line_of_key(text, "args", index)) +
                                      ": cannot split args '" + line + "': " + error.what() +
                                      " (quote as in a POSIX shell; a value cannot span lines)");
            }
        }
    }
    return profile;
}

}  // namespace taplaunch
