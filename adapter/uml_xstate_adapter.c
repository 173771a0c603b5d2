/*
 * The UML XSTATE adapter: a library taplaunch preloads into User-Mode Linux (LD_PRELOAD) so
 * that UML releases which size their FPU-state buffer for AVX run on hosts with a larger XSAVE
 * area (AVX-512, AMX).
 *
 * UML saves a guest process's FPU state with ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE,
 * {buffer, 832}) and restores it with PTRACE_SETREGSET. The kernel fills a short buffer on
 * GETREGSET, but takes only the whole XSAVE area on SETREGSET (EFAULT otherwise), so such a
 * UML cannot restore any state and its guest's init dies at once ("ptrace set fp regs failed,
 * errno = 14"). Falling back to FXSAVE is no answer: the guest's AVX code then finds its upper
 * register halves corrupted.
 *
 * The adapter keeps, for each of UML's buffers, a shadow of the whole area: a short
 * GETREGSET reads the whole area into the buffer's shadow and hands UML the part it asked
 * for; a short SETREGSET lays UML's part over the shadow and writes the whole area back. UML
 * keeps one buffer a guest task, so each task keeps the state UML does not see (AVX-512,
 * AMX) as well. A buffer first written without having been read (a new task, a copied
 * state) takes the rest from the process it is written to. Every other call goes to the C
 * library's ptrace unchanged.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>

typedef long (*ptrace_function)(enum __ptrace_request request, ...);

/* One of UML's buffers and the whole area behind it. */
struct shadow {
    void *buffer;         /* UML's buffer, the key */
    pid_t pid;            /* the process the area was last read from or written to */
    unsigned char *area;  /* the whole XSAVE area */
};

enum { shadow_slots = 8192 };
static struct shadow shadows[shadow_slots];
static pthread_mutex_t shadows_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t area_size; /* the host's XSAVE area, learnt from the first call */

static ptrace_function next_ptrace(void)
{
    static ptrace_function function;
    if (!function) {
        /* POSIX's way to turn dlsym's object pointer into a function pointer. */
        *(void **)(&function) = dlsym(RTLD_NEXT, "ptrace");
    }
    return function;
}

/* The shadow of `buffer`, made on first use; NULL when the table is full or memory is out. */
static struct shadow *shadow_of(void *buffer)
{
    const size_t start = ((uintptr_t)buffer >> 4) % shadow_slots;
    for (size_t i = 0; i < shadow_slots; ++i) {
        struct shadow *slot = &shadows[(start + i) % shadow_slots];
        if (slot->buffer == buffer) {
            return slot;
        }
        if (!slot->buffer) {
            unsigned char *area = calloc(1, area_size);
            if (!area) {
                return NULL;
            }
            slot->buffer = buffer;
            slot->pid = 0;
            slot->area = area;
            return slot;
        }
    }
    return NULL;
}

static long transfer_area(enum __ptrace_request request, pid_t pid, unsigned char *area)
{
    struct iovec whole = {area, area_size};
    return next_ptrace()(request, pid, (void *)(uintptr_t)NT_X86_XSTATE, &whole);
}

/* Learns the size of the whole area from the kernel, which tells it on a read. */
static void learn_area_size(pid_t pid)
{
    static unsigned char probe[1 << 16];
    struct iovec whole = {probe, sizeof probe};
    if (next_ptrace()(PTRACE_GETREGSET, pid, (void *)(uintptr_t)NT_X86_XSTATE, &whole) == 0) {
        area_size = whole.iov_len;
    }
}

/* A short XSTATE transfer done on the whole area; -2 when it cannot be adapted. */
static long adapt(enum __ptrace_request request, pid_t pid, struct iovec *part)
{
    if (!area_size) {
        learn_area_size(pid);
    }
    if (!area_size || part->iov_len >= area_size) {
        return -2;
    }
    struct shadow *shadow = shadow_of(part->iov_base);
    if (!shadow) {
        return -2;
    }
    if (request == PTRACE_GETREGSET) {
        const long result = transfer_area(PTRACE_GETREGSET, pid, shadow->area);
        if (result == 0) {
            shadow->pid = pid;
            memcpy(part->iov_base, shadow->area, part->iov_len);
        }
        return result;
    }
    if (shadow->pid != pid) {
        const long result = transfer_area(PTRACE_GETREGSET, pid, shadow->area);
        if (result != 0) {
            return result;
        }
        shadow->pid = pid;
    }
    memcpy(shadow->area, part->iov_base, part->iov_len);
    return transfer_area(PTRACE_SETREGSET, pid, shadow->area);
}

long ptrace(enum __ptrace_request request, ...)
{
    va_list arguments;
    va_start(arguments, request);
    const pid_t pid = va_arg(arguments, pid_t);
    void *const address = va_arg(arguments, void *);
    void *const data = va_arg(arguments, void *);
    va_end(arguments);

    if ((request == PTRACE_GETREGSET || request == PTRACE_SETREGSET) &&
        (uintptr_t)address == NT_X86_XSTATE && data) {
        pthread_mutex_lock(&shadows_lock);
        const long result = adapt(request, pid, (struct iovec *)data);
        const int saved_errno = errno;
        pthread_mutex_unlock(&shadows_lock);
        if (result != -2) {
            errno = saved_errno;
            return result;
        }
    }
    return next_ptrace()(request, pid, address, data);
}
