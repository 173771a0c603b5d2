#!/usr/bin/env python3
"""Summarises profile.sh's callgrind, strace and ltrace files into OUT/profile.csv and tables.

    profile_summary.py OUT "LABELS" "NIC COUNTS"

Instructions (callgrind, up to the execve of the emulator): the whole launch; before main
(the dynamic loader's loading and relocation, the static initialisers of the libraries and of
taplaunch); main and the stages it calls; lazy symbol binding (spread over the others); and,
for dynamic builds, the instructions executed in each object. System calls (strace -ttt -T):
counts and time per phase, the phases marked by the first syscall of each stage:
  exec -> openat /proc/self/fd (first thing in main)       loading and static initialisers
       -> socket(AF_NETLINK)                                 fd listing, parsing (Boost)
       -> first ioctl TUNSETIFF                              planning (netlink look-ups, /proc)
       -> execve of the emulator                             TAP set-up
Times under strace are inflated by the tracing of each syscall: read them as proportions.
"""

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

NAMED_STAGES = [
    ("parse_command_line", r"^taplaunch::parse_command_line\("),
    ("list_open_fds", r"^taplaunch::list_open_fds\("),
    ("netlink_connect", r"^taplaunch::NetlinkSocket::connect\("),
    ("make_launch_plan", r"^taplaunch::make_launch_plan\("),
    ("set_up_taps", r"^taplaunch::set_up_taps\("),
    ("emulator_argv", r"^taplaunch::emulator_argv\("),
    ("exec_emulator", r"^taplaunch::exec_emulator\("),
]

OBJECT_GROUPS = [
    ("ld.so", "ld-linux"),
    ("libc", "libc.so"),
    ("libstdc++", "libstdc++"),
    ("libgcc_s", "libgcc_s"),
    ("boost_program_options", "libboost_program_options"),
    ("boost_filesystem", "libboost_filesystem"),
    ("libnl", "libnl-"),
]


class CallgrindProfile:
    """Exclusive and inclusive Ir per (object, function) from a callgrind output file."""

    def __init__(self, path):
        self.total = 0
        self.exclusive = defaultdict(int)
        self.inclusive = defaultdict(int)
        names = {"ob": {}, "fn": {}}
        ob = fn = None
        call_target = None
        after_calls = False
        for line in open(path, errors="replace"):
            line = line.rstrip("\n")
            if line.startswith("summary:") or line.startswith("totals:"):
                self.total = int(line.split()[1])
                continue
            match = re.match(r"^(c?)(ob|fn)=(?:\((\d+)\))?\s*(.*)$", line)
            if match:
                called, kind, number, name = match.groups()
                if number and name:
                    names[kind][number] = name
                resolved = names[kind].get(number, name) if number else name
                if called:
                    if kind == "fn":
                        call_target = resolved
                elif kind == "ob":
                    ob = resolved
                else:
                    fn = resolved
                continue
            if line.startswith("calls="):
                after_calls = True
                continue
            if line and (line[0].isdigit() or line[0] in "+-*"):
                fields = line.split()
                cost = int(fields[1]) if len(fields) > 1 else 0
                if after_calls:
                    if call_target != fn:
                        self.inclusive[ob, fn] += cost
                    after_calls = False
                    call_target = None
                else:
                    self.exclusive[ob, fn] += cost
                    self.inclusive[ob, fn] += cost
        if not self.total:
            self.total = sum(self.exclusive.values())

    def inclusive_of(self, pattern, object_pattern=None):
        return max((cost for (ob, fn), cost in self.inclusive.items()
                    if fn and re.search(pattern, fn)
                    and (object_pattern is None or re.search(object_pattern, ob or ""))),
                   default=0)

    def by_object(self):
        groups = defaultdict(int)
        for (ob, _fn), cost in self.exclusive.items():
            name = next((group for group, part in OBJECT_GROUPS if part in (ob or "")), None)
            groups[name or ("taplaunch" if "taplaunch" in (ob or "") else "other")] += cost
        return groups


def callgrind_metrics(path):
    profile = CallgrindProfile(path)
    main = profile.inclusive_of(r"^main$")
    metrics = {
        "instructions": profile.total,
        "instructions_before_main": profile.total - main,
        "instructions_dynamic_loading": profile.inclusive_of(r"^_dl_start$"),
        # The libraries' (run by ld.so) and, in a static build, all (run by libc's start-up).
        "instructions_static_initialisers": profile.inclusive_of(r"^_dl_init$")
        + profile.inclusive_of(r"^call_init$", r"libc\.so|taplaunch"),
        "instructions_lazy_binding": profile.inclusive_of(r"^_dl_runtime_resolve"),
        "instructions_main": main,
    }
    for stage, pattern in NAMED_STAGES:
        metrics["instructions_" + stage] = profile.inclusive_of(pattern)
    for group, cost in profile.by_object().items():
        metrics["instructions_in_" + group] = cost
    return metrics


STRACE_LINE = re.compile(r"^(?:\d+\s+)?(\d+\.\d+) (\w+)\((.*)\)\s+= (.*?)(?: <(\d+\.\d+)>)?$")


def strace_metrics(path):
    calls = []
    for line in open(path, errors="replace"):
        match = STRACE_LINE.match(line.rstrip("\n"))
        if match:
            stamp, name, arguments, _result, duration = match.groups()
            calls.append((float(stamp), name, arguments, float(duration or 0)))
    execs = [i for i, call in enumerate(calls) if call[1] == "execve"]
    if len(execs) < 2:
        return {}
    start, end = execs[0], execs[1]

    def first(predicate, default):
        return next((i for i in range(start, end) if predicate(calls[i])), default)

    main_at = first(lambda c: c[1] == "openat" and '"/proc/self/fd"' in c[2], end)
    netlink_at = first(lambda c: c[1] == "socket" and "AF_NETLINK" in c[2], end)
    setup_at = first(lambda c: c[1] == "ioctl" and "TUNSETIFF" in c[2], end)
    marks = [("before_main", start, main_at), ("parse", main_at, netlink_at),
             ("plan", netlink_at, setup_at), ("set_up", setup_at, end)]
    metrics = {"syscalls": end - start,
               "strace_ms": round((calls[end][0] - calls[start][0]) * 1000, 2)}
    for phase, begin, finish in marks:
        metrics[f"syscalls_{phase}"] = max(0, finish - begin)
        metrics[f"strace_ms_{phase}"] = round((calls[finish][0] - calls[begin][0]) * 1000, 2) \
            if finish > begin else 0
    window = calls[start:end]
    metrics["netlink_sends"] = sum(1 for c in window if c[1] in ("sendmsg", "sendto"))
    metrics["netlink_receives"] = sum(1 for c in window if c[1] in ("recvmsg", "recvfrom"))
    metrics["shared_object_opens"] = sum(1 for c in window if c[1] == "openat" and ".so" in c[2])
    metrics["proc_opens"] = sum(1 for c in window if c[1] == "openat" and '"/proc/' in c[2])
    metrics["tun_opens"] = sum(1 for c in window if c[1] == "openat" and "/dev/net/tun" in c[2])
    metrics["mmap_mprotect_munmap"] = sum(1 for c in window if c[1] in ("mmap", "mprotect", "munmap"))
    return metrics


def strace_c_total(path):
    for line in open(path, errors="replace"):
        fields = line.split()
        if fields and fields[-1] == "total":
            return int(fields[3])
    return None


def ltrace_top(path, count=8):
    lines = [line.rstrip() for line in open(path, errors="replace")]
    body = [line for line in lines[2:] if line and not line.startswith("---")]
    return body[:count]


def main():
    out = Path(sys.argv[1])
    labels = sys.argv[2].split()
    counts = [int(n) for n in sys.argv[3].split()]
    directory = out / "profile"
    table = {}
    for label in labels:
        for nics in counts:
            dumps = sorted(directory.glob(f"callgrind.{label}.{nics}.out.*"))
            if not dumps:
                print(f"launch_cost: no callgrind dump for {label} with {nics} NICs", file=sys.stderr)
                sys.exit(1)
            metrics = callgrind_metrics(dumps[0])
            metrics.update(strace_metrics(directory / f"strace-tt.{label}.{nics}.txt"))
            metrics["syscalls_strace_c"] = strace_c_total(directory / f"strace-c.{label}.{nics}.txt")
            table[label, nics] = metrics

    names = []
    for metrics in table.values():
        names += [name for name in metrics if name not in names]
    with open(out / "profile.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["build", "nics", "metric", "value"])
        for (label, nics), metrics in table.items():
            for name in names:
                if metrics.get(name) is not None:
                    writer.writerow([label, nics, name, metrics[name]])

    columns = list(table)
    width = 15
    lines = ["Profile of the launch path up to the emulator's exec (callgrind Ir, strace)", "",
             f"{'':<42}" + "".join(f"{label[:9] + ' ' + str(n):>{width}}" for label, n in columns)]
    for name in names:
        cells = "".join(f"{str(table[column].get(name, '')):>{width}}" for column in columns)
        lines.append(f"{name:<42}{cells}")
    for label, nics in columns:
        top = ltrace_top(directory / f"ltrace-c.{label}.{nics}.txt")
        lines += ["", f"ltrace -c, {label}, {nics} NICs (calls from taplaunch's own code):"] + top
    text = "\n".join(lines)
    (out / "profile.txt").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
