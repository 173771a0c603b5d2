#include "handoff/caller_environment.hpp"

#include <sys/auxv.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

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
    std::ifstream file("/proc/self/environ", std::ios::binary);
    if (!file) {
        return;  // the loader's environment, less what it removed, goes to the emulator
    }
    const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
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
