#pragma once
// Running a helper program (nft, iptables, an emulator's --version) and reading what it
// prints.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace taplaunch {

struct ProgramOutput {
    int status = -1;        // its exit status, 128+N when signal N ended it
    std::string out;        // what it printed on stdout (at most 4 MiB)
    std::string error;      // the first line it printed on stderr
};

// Where exec would find `program`, the one PATH search: `program` itself when it names a path
// (holds a '/'), else the first runnable regular file of that name in the directories of
// $PATH as execvp reads it (unset: /usr/bin:/bin; an empty entry is the current directory),
// then in `also_in`; nullopt when it is nowhere.
std::optional<std::string> find_program(const std::string& program,
                                        const std::vector<std::string>& also_in = {});

// Runs `path` with `args` (Boost.Process; stdin /dev/null, an empty environment, no fd of
// ours inherited, no capability of taplaunch's: as root it regains root's at exec, as anyone
// else it has none) and returns what it printed; nullopt when it cannot be started. It is
// killed (status 128+9) when it takes longer than `limit`. Every program taplaunch runs to
// read its output goes through here.
std::optional<ProgramOutput> run_program(const std::string& path, const std::vector<std::string>& args,
                                         std::chrono::milliseconds limit);

}  // namespace taplaunch
