// The bench's stand-in emulator: notes the time of its first instruction, then exits.
//
// Prints `started_ns=<CLOCK_MONOTONIC ns> pid=<pid>` to stdout as the first thing main does,
// and `exiting_ns=<ns>` just before it exits, so a parent can time the launch up to the
// emulator's start and a supervisor's work after the emulator's end. Built static, so that
// its own start costs as little as possible (the bench subtracts it anyway).
//
// Environment: BENCH_EMULATOR_SLEEP_MS=N waits N ms before exiting (a guest that runs).

#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000000000LL + now.tv_nsec;
}

// Appends the decimal digits of value to text at *length.
static void append_number(char* text, size_t* length, long long value)
{
    char digits[24];
    size_t count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    while (count > 0) {
        text[(*length)++] = digits[--count];
    }
}

static void write_line(const char* key, long long value, const char* key2, long long value2)
{
    char line[96];
    size_t length = 0;
    memcpy(line + length, key, strlen(key));
    length += strlen(key);
    append_number(line, &length, value);
    if (key2) {
        memcpy(line + length, key2, strlen(key2));
        length += strlen(key2);
        append_number(line, &length, value2);
    }
    line[length++] = '\n';
    // One write per line: lines of parallel emulators sharing a pipe never interleave.
    (void)!write(STDOUT_FILENO, line, length);
}

int main(void)
{
    const long long started = monotonic_ns();
    write_line("started_ns=", started, " pid=", getpid());
    const char* sleep_ms = getenv("BENCH_EMULATOR_SLEEP_MS");
    if (sleep_ms) {
        const long milliseconds = atol(sleep_ms);
        struct timespec pause = {milliseconds / 1000, (milliseconds % 1000) * 1000000L};
        while (nanosleep(&pause, &pause) != 0) {
        }
    }
    write_line("exiting_ns=", monotonic_ns(), NULL, 0);
    return 0;
}
