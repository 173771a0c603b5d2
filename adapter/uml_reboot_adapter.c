/*
 * The UML reboot adapter: a library taplaunch preloads into User-Mode Linux (LD_PRELOAD) so
 * that a guest that reboots itself comes back with working networking.
 *
 * A guest's reboot makes UML re-execute itself (execvp, same PID, same arguments and
 * environment). The vector driver's tap transport opens /dev/net/tun without O_CLOEXEC, so
 * the fd attached to the TAP survives that exec, unused but still attached. A single-queue
 * TAP takes one fd at a time: the new UML's TUNSETIFF fails with EBUSY ("uml_tap: failed to
 * select tap interface") and the guest boots without its NIC. (The legacy tuntap driver opens
 * it close-on-exec and comes back up.)
 *
 * The adapter adds O_CLOEXEC to every open of /dev/net/tun, so the old fd closes at the exec
 * and the rebooted UML attaches again. Nothing else changes: other paths, and fds UML
 * inherits (the fd transport's), are left alone. LD_PRELOAD stays in UML's environment, so
 * the adapter is there again after each reboot.
 */
#define _GNU_SOURCE
/* The fortified headers define open() inline; this file defines the real symbols. */
#undef _FORTIFY_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/types.h>

typedef int (*open_function)(const char *path, int flags, ...);
typedef int (*openat_function)(int directory, const char *path, int flags, ...);

static const char tun_path[] = "/dev/net/tun";

static int flags_for(const char *path, int flags)
{
    if (path && strcmp(path, tun_path) == 0) {
        flags |= O_CLOEXEC;
    }
    return flags;
}

/* The mode argument exists only when the flags create a file. */
#define MODE_OF(flags, mode)                        \
    do {                                            \
        if ((flags) & (O_CREAT | O_TMPFILE)) {      \
            va_list arguments;                      \
            va_start(arguments, flags);             \
            (mode) = va_arg(arguments, mode_t);     \
            va_end(arguments);                      \
        }                                           \
    } while (0)

static void *next_function(const char *name)
{
    return dlsym(RTLD_NEXT, name);
}

int open(const char *path, int flags, ...)
{
    static open_function next;
    mode_t mode = 0;
    MODE_OF(flags, mode);
    if (!next) {
        *(void **)(&next) = next_function("open");
    }
    return next(path, flags_for(path, flags), mode);
}

int open64(const char *path, int flags, ...)
{
    static open_function next;
    mode_t mode = 0;
    MODE_OF(flags, mode);
    if (!next) {
        *(void **)(&next) = next_function("open64");
    }
    return next(path, flags_for(path, flags), mode);
}

int openat(int directory, const char *path, int flags, ...)
{
    static openat_function next;
    mode_t mode = 0;
    MODE_OF(flags, mode);
    if (!next) {
        *(void **)(&next) = next_function("openat");
    }
    return next(directory, path, flags_for(path, flags), mode);
}

int openat64(int directory, const char *path, int flags, ...)
{
    static openat_function next;
    mode_t mode = 0;
    MODE_OF(flags, mode);
    if (!next) {
        *(void **)(&next) = next_function("openat64");
    }
    return next(directory, path, flags_for(path, flags), mode);
}
