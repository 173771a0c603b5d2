#include "handoff/caller_environment.hpp"

#include "host/proc_files.hpp"

#include <sys/auxv.h>
#include <unistd.h>


namespace taplaunch {

namespace {

struct SavedEnvironment {
    std::vector<std::string> entries;
    std::vector<const char*> pointers;
    bool saved = false;
};

SavedEnvironment& saved_environment()
{
    static SavedEnvironment saved;
    return saved;
}

}  // namespace

void save_caller_environment()
{
    if (::getauxval(AT_SECURE) == 0) {
        return;
    }
    SavedEnvironment& saved = saved_environment();
    // The strings the kernel copied onto the stack at exec, which the loader's removals left
    // in place (they only drop pointers from environ). /proc/self/stat says where they are;
    // /proc/self/environ would say the same, but a process that is not dumpable may not open
    // it.
    const auto stat = read_proc_stat(::getpid());
    if (!stat || stat->env_start == 0 || stat->env_end <= stat->env_start) {
        return;  // the loader's environment, less what it removed, goes to the emulator
    }
    const std::string text(reinterpret_cast<const char*>(stat->env_start),
                           stat->env_end - stat->env_start);
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\0', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        if (end > start) {
            saved.entries.push_back(text.substr(start, end - start));
        }
        start = end + 1;
    }
    for (const std::string& entry : saved.entries) {
        saved.pointers.push_back(entry.c_str());
    }
    saved.pointers.push_back(nullptr);
    saved.saved = true;
}

const char* const* caller_environment()
{
    const SavedEnvironment& saved = saved_environment();
    return saved.saved ? saved.pointers.data() : environ;
}

}  // namespace taplaunch
