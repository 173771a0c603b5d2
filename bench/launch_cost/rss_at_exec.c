// Peak memory of a launcher just before it execs its emulator, read by a tracer.
//
//   rss_at_exec -- LAUNCHER [ARGS...]
//
// Starts LAUNCHER under ptrace and stops it at the entry of its first execve/execveat (the
// hand-off to the emulator: its memory is still the launcher's there), reads VmHWM, VmRSS and
// VmPeak from /proc/PID/status, detaches and lets it run on. After it has exited, also reports
// getrusage(RUSAGE_CHILDREN).ru_maxrss: the kernel keeps the largest RSS a child ever had, across
// its execs, so that is max(launcher, emulator, this tracer's forked copy) and a cross-check
// when the emulator and this program are small. Prints one line:
//   vmhwm_kb=N vmrss_kb=N vmpeak_kb=N children_maxrss_kb=N

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void fail(const char* what)
{
    fprintf(stderr, "rss_at_exec: %s: %s\n", what, strerror(errno));
    exit(1);
}

static long status_field_kb(const char* status_text, const char* key)
{
    const char* at = strstr(status_text, key);
    return at ? atol(at + strlen(key)) : -1;
}

int main(int argc, char** argv)
{
    if (argc < 3 || strcmp(argv[1], "--") != 0) {
        fprintf(stderr, "usage: rss_at_exec -- LAUNCHER [ARGS...]\n");
        return 2;
    }
    const pid_t child = fork();
    if (child < 0) {
        fail("fork");
    }
    if (child == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) {
            _exit(126);
        }
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    int status = 0;
    // The stop after the launcher's own exec.
    if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status)) {
        fail("the launcher did not start");
    }
    ptrace(PTRACE_SETOPTIONS, child, NULL, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);
    int deliver = 0;
    char status_text[8192] = "";
    for (;;) {
        if (ptrace(PTRACE_SYSCALL, child, NULL, (void*)(long)deliver) != 0) {
            fail("ptrace");
        }
        deliver = 0;
        if (waitpid(child, &status, 0) != child) {
            fail("waitpid");
        }
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            fprintf(stderr, "rss_at_exec: the launcher ended without exec\n");
            return 1;
        }
        if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
            deliver = WSTOPSIG(status);  // a real signal: pass it on
            continue;
        }
        struct __ptrace_syscall_info info;
        if (ptrace(PTRACE_GET_SYSCALL_INFO, child, (void*)sizeof info, &info) <= 0) {
            fail("PTRACE_GET_SYSCALL_INFO");
        }
        if (info.op == PTRACE_SYSCALL_INFO_ENTRY &&
            (info.entry.nr == SYS_execve || info.entry.nr == SYS_execveat)) {
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/status", child);
            FILE* file = fopen(path, "r");
            if (!file) {
                fail("open /proc/PID/status");
            }
            const size_t length = fread(status_text, 1, sizeof status_text - 1, file);
            status_text[length] = '\0';
            fclose(file);
            break;
        }
    }
    ptrace(PTRACE_DETACH, child, NULL, NULL);
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "rss_at_exec: the launch failed\n");
        return 1;
    }
    struct rusage children;
    getrusage(RUSAGE_CHILDREN, &children);
    printf("vmhwm_kb=%ld vmrss_kb=%ld vmpeak_kb=%ld children_maxrss_kb=%ld\n",
           status_field_kb(status_text, "VmHWM:"), status_field_kb(status_text, "VmRSS:"),
           status_field_kb(status_text, "VmPeak:"), children.ru_maxrss);
    return 0;
}
