// Before any library initializes: when the kernel starts taplaunch in secure mode (it holds a
// capability its caller lacks), hide the environment variables libnl reads while it loads.
// The loader already ignores LD_PRELOAD and its kin there; libnl does not: its constructors
// read NLDBG and NLCB (debug output of every netlink message) and NLSYSCONFDIR (a directory
// whose classid file libnl-route parses), which would put a file of the caller's choosing
// through a parser in a process holding CAP_NET_ADMIN. A function in the executable's
// .preinit_array runs before every shared library's constructor.

#include <sys/auxv.h>

#include <cstring>
#include <initializer_list>

namespace {

bool names_library_variable(const char* entry)
{
    for (const char* name : {"NLDBG=", "NLCB=", "NLSYSCONFDIR="}) {
        if (std::strncmp(entry, name, std::strlen(name)) == 0) {
            return true;
        }
    }
    return false;
}

// Removes those entries from the environment in place (the array environ points at).
void hide_library_variables(int, char**, char** environment)
{
    if (::getauxval(AT_SECURE) == 0 || environment == nullptr) {
        return;
    }
    char** kept = environment;
    for (char** entry = environment; *entry != nullptr; ++entry) {
        if (!names_library_variable(*entry)) {
            *kept++ = *entry;
        }
    }
    *kept = nullptr;
}

}  // namespace

__attribute__((section(".preinit_array"), used)) void (*const hide_library_variables_at_start)(
    int, char**, char**) = hide_library_variables;
