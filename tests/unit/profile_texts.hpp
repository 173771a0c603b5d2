#pragma once
// ProfileTexts: profiles held in memory, for the parsing tests, which read no file. write()
// keeps a text under a path and returns the path; reader() hands them to parse_command_line
// as --profile's reader.

#include "definition/command_line.hpp"
#include "launch_error.hpp"

#include <map>
#include <string>

namespace taplaunch_test {

class ProfileTexts {
public:
    // Keeps `contents` as the profile /profiles/NAME and returns that path.
    std::string write(const std::string& name, const std::string& contents) const
    {
        const std::string path = "/profiles/" + name;
        texts_[path] = contents;
        return path;
    }

    taplaunch::ProfileReader reader() const
    {
        return [this](const std::string& path) {
            const auto found = texts_.find(path);
            if (found == texts_.end()) {
                throw taplaunch::DefinitionError("cannot read profile '" + path +
                                                 "': no such profile in this test");
            }
            return found->second;
        };
    }

private:
    mutable std::map<std::string, std::string> texts_;
};

}  // namespace taplaunch_test
