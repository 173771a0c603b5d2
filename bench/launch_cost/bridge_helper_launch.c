// QEMU's way to a bridge: run qemu-bridge-helper once per NIC exactly as QEMU 7.2's
// net_bridge_run_helper() does (net/tap.c), collect the TAP fds it sends, then exec.
//
//   bridge_helper_launch HELPER COUNT BRIDGE -- EMULATOR [ARGS...]
//
// Per NIC: block SIGCHLD, socketpair(AF_UNIX, SOCK_STREAM), fork; the child closes every fd
// from 3 to sysconf(_SC_OPEN_MAX) but its end of the pair and runs
// `HELPER --use-vnet --fd=N --br=BRIDGE`; the parent closes the child's end, receives the TAP
// fd over SCM_RIGHTS (retrying on EINTR), closes its end, reaps the helper and restores the
// signal mask. The helper creates the TAP, gives it the bridge's MTU and a high MAC, attaches
// it and brings it up. What QEMU itself costs beyond this (its fork of a large process) is
// not modelled: this is a lower bound of QEMU's way.

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void fail(const char* what)
{
    fprintf(stderr, "bridge_helper_launch: %s\n", what);
    exit(1);
}

// One byte of payload carrying one fd; returns the fd, or -1 with errno set.
static int receive_fd(int socket_fd)
{
    char byte;
    struct iovec payload = {&byte, 1};
    union {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr message = {0};
    message.msg_iov = &payload;
    message.msg_iovlen = 1;
    message.msg_control = control.space;
    message.msg_controllen = sizeof control.space;
    const ssize_t got = recvmsg(socket_fd, &message, 0);
    if (got <= 0) {
        if (got == 0) {
            errno = ECONNRESET;
        }
        return -1;
    }
    const struct cmsghdr* header = CMSG_FIRSTHDR(&message);
    if (!header || header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) {
        errno = EPROTO;
        return -1;
    }
    int fd;
    memcpy(&fd, CMSG_DATA(header), sizeof fd);
    return fd;
}

static int run_helper(const char* helper, const char* bridge)
{
    sigset_t child_signal, previous;
    sigemptyset(&child_signal);
    sigaddset(&child_signal, SIGCHLD);
    sigprocmask(SIG_BLOCK, &child_signal, &previous);

    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) {
        fail("socketpair failed");
    }
    const pid_t child = fork();
    if (child < 0) {
        fail("fork failed");
    }
    if (child == 0) {
        const long open_max = sysconf(_SC_OPEN_MAX);
        for (long fd = 3; fd < open_max; ++fd) {
            if (fd != pair[1]) {
                close((int)fd);
            }
        }
        char fd_argument[32];
        char bridge_argument[64];
        snprintf(fd_argument, sizeof fd_argument, "--fd=%d", pair[1]);
        snprintf(bridge_argument, sizeof bridge_argument, "--br=%s", bridge);
        char* const arguments[] = {(char*)helper, "--use-vnet", fd_argument, bridge_argument, NULL};
        execv(helper, arguments);
        _exit(1);
    }
    close(pair[1]);
    int tap;
    do {
        tap = receive_fd(pair[0]);
    } while (tap < 0 && errno == EINTR);
    const int receive_errno = errno;
    close(pair[0]);
    int status = 0;
    while (waitpid(child, &status, 0) != child) {
    }
    sigprocmask(SIG_SETMASK, &previous, NULL);
    if (tap < 0) {
        fprintf(stderr, "bridge_helper_launch: no TAP fd from %s: %s (does %s allow %s?)\n", helper,
                strerror(receive_errno), "/etc/qemu/bridge.conf", bridge);
        exit(1);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fail("the bridge helper failed");
    }
    return tap;
}

int main(int argc, char** argv)
{
    if (argc < 6 || strcmp(argv[4], "--") != 0) {
        fprintf(stderr, "usage: bridge_helper_launch HELPER COUNT BRIDGE -- EMULATOR [ARGS...]\n");
        return 2;
    }
    const char* helper = argv[1];
    const int count = atoi(argv[2]);
    const char* bridge = argv[3];
    for (int i = 0; i < count; ++i) {
        (void)run_helper(helper, bridge);  // stays open for the emulator, as QEMU keeps it
    }
    execv(argv[5], argv + 5);
    fail("cannot exec the emulator");
}
