#include "profile_file.hpp"

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

// The 1-based line on which `key` is assigned, for error messages; 0 if not found.
int line_of_key(const std::string& text, const std::string& key)
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
        if (candidate == key) {
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
        std::istringstream stream(text);
        po::store(po::parse_config_file(stream, profile_keys(), false), values);
    } catch (const po::unknown_option& error) {
        std::string key = error.get_option_name();
        throw DefinitionError(where(path, line_of_key(text, key)) + ": unknown key '" + key +
                              "' (known keys: " + known_keys + ")");
    } catch (const po::multiple_occurrences& error) {
        std::string key = error.get_option_name();
        throw DefinitionError(where(path, 0) + ": key '" + key +
                              "' is given more than once (keep one; only args and nic repeat)");
    } catch (const po::invalid_option_value& error) {
        std::string key = error.get_option_name();
        throw DefinitionError(where(path, line_of_key(text, key)) + ": " + error.what() +
                              " (supervise takes true or false)");
    } catch (const po::error& error) {
        throw DefinitionError(where(path, 0) + ": " + error.what() +
                              " (each line is key = value, # starts a comment)");
    }

    ProfileFile profile;
    profile.stem = std::filesystem::path(path).stem().string();
    if (values.count("name")) {
        profile.name = values["name"].as<std::string>();
    }
    if (values.count("emulator")) {
        profile.emulator = values["emulator"].as<std::string>();
    }
    if (values.count("emulator-kind")) {
        profile.emulator_kind = values["emulator-kind"].as<std::string>();
    }
    if (values.count("uml-transport")) {
        profile.uml_transport = values["uml-transport"].as<std::string>();
    }
    if (values.count("supervise")) {
        profile.supervise = values["supervise"].as<bool>();
    }
    if (values.count("owner")) {
        profile.owner = values["owner"].as<std::string>();
    }
    if (values.count("nic")) {
        profile.nics = values["nic"].as<std::vector<std::string>>();
    }
    if (values.count("args")) {
        for (const std::string& line : values["args"].as<std::vector<std::string>>()) {
            try {
                for (std::string& word : po::split_unix(line)) {
                    profile.args.push_back(std::move(word));
                }
            } catch (const std::exception& error) {
                throw DefinitionError(where(path, line_of_key(text, "args")) +
                                      ": cannot split args '" + line + "': " + error.what() +
                                      " (check the quotes)");
            }
        }
    }
    return profile;
}

}  // namespace taplaunch
