#!/usr/bin/env python3
"""Opens TAP devices through /dev/net/tun, places each fd at a given number and execs a command
with them: a stand-in for taplaunch's fd hand-off, to test UML's `vecN:transport=fd,fd=N`
form with TAPs made by hand (and QEMU's `fd=`).

  tap_fd_exec.py --tap name=tlfd0,fd=3,mac=fe:54:00:12:34:56,bridge=br0 [--tap ...] -- CMD ARG...
  tap_fd_exec.py --tap name=tlmq0,fd=3:4:5:6,vnet_hdr=1,bridge=br0 -- CMD ARG...    (4 queues)

Per --tap (comma-separated key=value):
  name=TAP      the TAP to create, or to attach to when a persistent one of that name exists
  fd=N          where CMD finds it (inherited, close-on-exec cleared)
  fd=N:M:...    a multiqueue TAP (IFF_MULTI_QUEUE), one queue per number: the first queue
                creates the TAP (IFF_TUN_EXCL: never an existing one), each further TUNSETIFF
                on the same name adds a queue
  mac=MAC       set on the TAP before it joins the bridge (the 0xFE rule)
  bridge=BR     attach to BR (then the TAP is brought up)
  vnet_hdr=1    open with IFF_VNET_HDR (UML's fd transport wants 0, the default)
  multi_queue=1 open with IFF_MULTI_QUEUE

The TAP is not persistent unless it was before: it disappears when the last fd closes, i.e.
when CMD (and every process that inherited the fd) has exited. Runs `ip` for MAC, master, up.
"""
import fcntl
import os
import struct
import subprocess
import sys

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
IFF_VNET_HDR = 0x4000
IFF_MULTI_QUEUE = 0x0100
IFF_TUN_EXCL = 0x8000


def parse_tap(spec):
    tap = {}
    for item in spec.split(","):
        key, _, value = item.partition("=")
        tap[key] = value
    if "name" not in tap or "fd" not in tap:
        sys.exit(f"tap_fd_exec: --tap needs name= and fd=: {spec}")
    tap["fds"] = [int(fd) for fd in tap["fd"].split(":")]
    return tap


def ip(*args):
    subprocess.run(["ip", *args], check=True)


def main(argv):
    taps = []
    i = 0
    while i < len(argv) and argv[i] != "--":
        if argv[i] == "--tap" and i + 1 < len(argv):
            taps.append(parse_tap(argv[i + 1]))
            i += 2
        else:
            sys.exit(f"tap_fd_exec: unexpected argument {argv[i]!r} (usage in the file's docstring)")
    command = argv[i + 1:]
    if not taps or not command:
        sys.exit("usage: tap_fd_exec.py --tap name=TAP,fd=N[,mac=MAC][,bridge=BR] ... -- CMD ARG...")

    opened = []
    for tap in taps:
        flags = IFF_TAP | IFF_NO_PI
        if tap.get("vnet_hdr") == "1":
            flags |= IFF_VNET_HDR
        queues = len(tap["fds"])
        if tap.get("multi_queue") == "1" or queues > 1:
            flags |= IFF_MULTI_QUEUE
        for queue, target in enumerate(tap["fds"]):
            fd = os.open("/dev/net/tun", os.O_RDWR | os.O_CLOEXEC)
            exclusive = IFF_TUN_EXCL if queues > 1 and queue == 0 else 0
            ifr = struct.pack("16sH22x", tap["name"].encode(), flags | exclusive)
            fcntl.ioctl(fd, TUNSETIFF, ifr)
            opened.append((fd, target))
        if "mac" in tap:
            ip("link", "set", tap["name"], "address", tap["mac"])
        if "bridge" in tap:
            ip("link", "set", tap["name"], "master", tap["bridge"])
            ip("link", "set", tap["name"], "up")

    # Move every fd to a number no target uses, then to its target: no dup2 clobbers another.
    high = max([fd for fd, _ in opened] + [t for _, t in opened]) + 1
    moved = []
    for fd, target in opened:
        tmp = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, high)
        os.close(fd)
        moved.append((tmp, target))
    for tmp, target in moved:
        os.dup2(tmp, target, inheritable=True)
        os.close(tmp)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
