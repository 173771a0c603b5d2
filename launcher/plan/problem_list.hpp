#pragma once
// ProblemList: how planning reports what is wrong with a definition. A real run stops at the
// first problem; --dry-run goes on and reports every one, each on its own line.

#include "launch_error.hpp"

#include <string>
#include <utility>
#include <vector>

namespace taplaunch {

class ProblemList {
public:
    explicit ProblemList(bool list_every_problem) : list_every_problem_(list_every_problem) {}

    // Runs `check`; a DefinitionError it throws goes on up, or, when listing every problem,
    // is kept. Returns whether `check` finished.
    template <typename Check>
    bool check(Check&& check)
    {
        try {
            std::forward<Check>(check)();
            return true;
        } catch (const DefinitionProblems& problems) {
            if (!list_every_problem_) {
                throw;
            }
            lines_.insert(lines_.end(), problems.lines().begin(), problems.lines().end());
        } catch (const DefinitionError& problem) {
            if (!list_every_problem_) {
                throw;
            }
            lines_.emplace_back(problem.what());
        }
        return false;
    }

    bool empty() const { return lines_.empty(); }

    // Throws DefinitionProblems with every problem kept, if any.
    void throw_if_any() const
    {
        if (!lines_.empty()) {
            throw DefinitionProblems(lines_);
        }
    }

private:
    bool list_every_problem_;
    std::vector<std::string> lines_;
};

}  // namespace taplaunch
