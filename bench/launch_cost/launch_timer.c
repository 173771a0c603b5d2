// Times launches of a command whose emulator is first_instruction: from just before the fork
// to the emulator's first instruction, and from the emulator's last instruction to the end of
// the launched process (what a supervisor does after its guest has gone).
//
//   launch_timer once -- COMMAND...          one launch
//   launch_timer serial COUNT -- COMMAND...  COUNT launches, each after the previous has exited
//   launch_timer parallel COUNT -- COMMAND...  COUNT launches started at once
//
// The command runs with stdout on a pipe that the emulator's report lines go to, stdin and
// stderr inherited, and no other fd. Prints one line of key=value pairs, times in ns:
//   once:     launch_ns after_exit_ns total_ns
//   serial:   count last_start_ns all_exited_ns sum_launch_ns
//   parallel: count last_start_ns all_exited_ns
// Exits 1 when a launch fails or its emulator reports no start. "@I@" in a word of COMMAND
// becomes the launch's number (0, 1, ...), so that launches at once can be told apart:
// taplaunch refuses a guest whose MAC another guest on the bridge has, and two guests without
// --name share a default MAC.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LAUNCHES 256

static long long monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000000000LL + now.tv_nsec;
}

static void fail(const char* message)
{
    fprintf(stderr, "launch_timer: %s\n", message);
    exit(1);
}

// `word` with each "@I@" replaced by `index` (a new string; the child that uses it execs).
static char* numbered(const char* word, int index)
{
    char number[16];
    snprintf(number, sizeof number, "%d", index);
    char* result = malloc(strlen(word) * 8 + 16);
    char* out = result;
    for (const char* in = word; *in;) {
        if (strncmp(in, "@I@", 3) == 0) {
            out = stpcpy(out, number);
            in += 3;
        } else {
            *out++ = *in++;
        }
    }
    *out = '\0';
    return result;
}

static pid_t start(char** command, int index, int report_fd)
{
    const pid_t child = fork();
    if (child < 0) {
        fail("fork failed");
    }
    if (child == 0) {
        dup2(report_fd, STDOUT_FILENO);
        close_range(3, ~0U, 0);
        int words = 0;
        while (command[words]) {
            ++words;
        }
        char** launch = calloc((size_t)words + 1, sizeof *launch);
        for (int i = 0; i < words; ++i) {
            launch[i] = numbered(command[i], index);
        }
        command = launch;
        execvp(command[0], command);
        fprintf(stderr, "launch_timer: cannot run %s: %s\n", command[0], strerror(errno));
        _exit(127);
    }
    return child;
}

static void wait_for_success(pid_t child)
{
    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            fail("waitpid failed");
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fail("a launch failed (run the command by hand to see why)");
    }
}

// The emulator reports collected so far: every started_ns and exiting_ns value, in order.
struct Reports {
    long long started[MAX_LAUNCHES];
    long long exiting[MAX_LAUNCHES];
    int started_count;
    int exiting_count;
    char pending[8192];
    size_t pending_length;
};

static void read_reports(int read_fd, struct Reports* reports)
{
    for (;;) {
        const ssize_t got = read(read_fd, reports->pending + reports->pending_length,
                                 sizeof reports->pending - reports->pending_length - 1);
        if (got <= 0) {
            break;
        }
        reports->pending_length += (size_t)got;
    }
    reports->pending[reports->pending_length] = '\0';
    char* line = reports->pending;
    char* end;
    while ((end = strchr(line, '\n')) != NULL) {
        *end = '\0';
        long long value;
        if (sscanf(line, "started_ns=%lld", &value) == 1 && reports->started_count < MAX_LAUNCHES) {
            reports->started[reports->started_count++] = value;
        } else if (sscanf(line, "exiting_ns=%lld", &value) == 1 &&
                   reports->exiting_count < MAX_LAUNCHES) {
            reports->exiting[reports->exiting_count++] = value;
        }
        line = end + 1;
    }
    const size_t rest = reports->pending_length - (size_t)(line - reports->pending);
    memmove(reports->pending, line, rest);
    reports->pending_length = rest;
}

static long long latest(const long long* values, int count)
{
    long long result = values[0];
    for (int i = 1; i < count; ++i) {
        result = values[i] > result ? values[i] : result;
    }
    return result;
}

int main(int argc, char** argv)
{
    if (argc < 4) {
        fail("usage: launch_timer once|serial COUNT|parallel COUNT -- COMMAND...");
    }
    const char* mode = argv[1];
    int count = 1;
    int command_at = 3;
    if (strcmp(mode, "once") != 0) {
        count = atoi(argv[2]);
        command_at = 4;
        if (count < 1 || count > MAX_LAUNCHES || argc <= command_at) {
            fail("COUNT must be 1..256 and a command must follow --");
        }
    }
    if (strcmp(argv[command_at - 1], "--") != 0) {
        fail("expected -- before the command");
    }
    char** command = argv + command_at;

    int report_pipe[2];
    if (pipe2(report_pipe, O_CLOEXEC) != 0) {
        fail("pipe failed");
    }
    fcntl(report_pipe[0], F_SETFL, O_NONBLOCK);
    static struct Reports reports;

    if (strcmp(mode, "once") == 0) {
        const long long before = monotonic_ns();
        const pid_t child = start(command, 0, report_pipe[1]);
        wait_for_success(child);
        const long long after = monotonic_ns();
        read_reports(report_pipe[0], &reports);
        if (reports.started_count != 1 || reports.exiting_count != 1) {
            fail("the emulator did not report its start and end once");
        }
        printf("launch_ns=%lld after_exit_ns=%lld total_ns=%lld\n", reports.started[0] - before,
               after - reports.exiting[0], after - before);
    } else if (strcmp(mode, "serial") == 0) {
        const long long before = monotonic_ns();
        long long sum_launch = 0;
        for (int i = 0; i < count; ++i) {
            const long long launched = monotonic_ns();
            wait_for_success(start(command, i, report_pipe[1]));
            read_reports(report_pipe[0], &reports);
            if (reports.started_count != i + 1) {
                fail("an emulator did not report its start");
            }
            sum_launch += reports.started[i] - launched;
        }
        const long long after = monotonic_ns();
        printf("count=%d last_start_ns=%lld all_exited_ns=%lld sum_launch_ns=%lld\n", count,
               latest(reports.started, count) - before, after - before, sum_launch);
    } else if (strcmp(mode, "parallel") == 0) {
        pid_t children[MAX_LAUNCHES];
        const long long before = monotonic_ns();
        for (int i = 0; i < count; ++i) {
            children[i] = start(command, i, report_pipe[1]);
        }
        for (int i = 0; i < count; ++i) {
            wait_for_success(children[i]);
        }
        const long long after = monotonic_ns();
        read_reports(report_pipe[0], &reports);
        if (reports.started_count != count) {
            fail("not every emulator reported its start");
        }
        printf("count=%d last_start_ns=%lld all_exited_ns=%lld\n", count,
               latest(reports.started, count) - before, after - before);
    } else {
        fail("mode must be once, serial or parallel");
    }
    return 0;
}
