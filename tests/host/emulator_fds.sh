#!/usr/bin/env bash
# Exactly the fds the plan hands over reach the emulator: 0, 1, 2, the caller's own fds
# (each still the caller's file) and the TAP queue fds at their planned numbers; nothing of
# taplaunch's own (its netlink sockets, pipes, /dev/net/tun probes). For exec and supervise,
# QEMU and UML. And when exec fails after the TAP fds were placed, no fd is closed twice:
# the netlink socket's fd, where a TAP fd now stands, was closed before the placement.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"

tl_netns_create emulator-fds
tl_make_bridge br0
tl_set_runner "$fake_bin"
work=$(mktemp -d)
trap 'rm -rf "$work"; tl_netns_cleanup' EXIT
report=$work/report
echo a >"$work/caller-a"
echo b >"$work/caller-b"

# run_with_caller_fds TAPLAUNCH-ARGS...: taplaunch started with fds 3 and 6 of the caller's
# own open (a gap between them), the emulator's report in $report.
run_with_caller_fds() {
  : >"$report"
  TL_INSPECT_SLEEP=${sleep_for:-0} "${TL_RUN[@]}" bash -c 'exec 3<"$1" 6<"$2"; shift 2; exec "$@"' \
    fds "$work/caller-a" "$work/caller-b" "$taplaunch" "$@" >"$report"
}

# check_fds NAME FDS TAP-FD...: the emulator had exactly FDS open, 3 and 6 still the caller's
# files, each TAP-FD a TAP of br0.
check_fds() {
  local name=$1 fds=$2
  shift 2
  grep -qx "fds=$fds" "$report" || { cat "$report" >&2; tl_fail "$name: want fds=$fds"; }
  grep -qx "fd 3 -> $work/caller-a" "$report" && grep -qx "fd 6 -> $work/caller-b" "$report" \
    || { cat "$report" >&2; tl_fail "$name: the caller's fds 3 and 6 are not its files"; }
  local fd
  for fd in "$@"; do
    grep -Eq "^fd $fd -> /dev/net/tun\$" "$report" \
      || { cat "$report" >&2; tl_fail "$name: fd $fd is not a TAP"; }
  done
  echo "ok: $name: fds=$fds"
}

# QEMU, one NIC of one queue and one of two: queue fds at 4, 5 and 7 (3 and 6 are the caller's).
run_with_caller_fds --nic bridge=br0 --nic bridge=br0,queues=2 -- qemu-system-x86_64
check_fds "QEMU, exec" 0,1,2,3,4,5,6,7 4 5 7
grep -q 'fds=5:7' "$report" || { cat "$report" >&2; tl_fail "QEMU, exec: fds=5:7 not in its argv"; }
run_with_caller_fds --supervise --nic bridge=br0 --nic bridge=br0,queues=2 -- qemu-system-x86_64
check_fds "QEMU, supervised" 0,1,2,3,4,5,6,7 4 5 7
# UML by name: persistent TAPs, opened by name, so no TAP fd at all.
run_with_caller_fds --nic bridge=br0 --nic bridge=br0 -- linux mem=64M
check_fds "UML, supervised" 0,1,2,3,6
run_with_caller_fds --uml-transport fd --nic bridge=br0 --nic bridge=br0 -- linux mem=64M
check_fds "UML, transport=fd, exec" 0,1,2,3,4,5,6 4 5

# exec fails after the TAP fds were placed at 3 and 4 (not an executable: ENOEXEC).
command -v strace >/dev/null || { echo "SKIP: needs strace" >&2; exit 77; }
printf 'not a program\n' >"$work/qemu-system-noformat"
chmod +x "$work/qemu-system-noformat"
status=0
"${TL_RUN[@]}" env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
  strace -f -qq -o "$work/trace" -e trace=close,dup2,execve "$taplaunch" \
  --nic bridge=br0 --nic bridge=br0 -- "$work/qemu-system-noformat" 2>"$work/errors" || status=$?
[ "$status" -eq 1 ] || { cat "$work/errors" >&2; tl_fail "failed exec: exit $status, want 1"; }
grep -q 'Exec format error' "$work/errors" || { cat "$work/errors" >&2; tl_fail "failed exec: no reason given"; }
grep -q 'dup2(.*, 3)' "$work/trace" || { cat "$work/trace" >&2; tl_fail "no TAP fd was placed at 3"; }
if grep -E '^[0-9]+ +close\(.*EBADF' "$work/trace"; then
  cat "$work/trace" >&2
  tl_fail "an fd was closed twice after the failed exec"
fi
left=$(ip -n "$TL_NS" -o link show type tun)
[ -z "$left" ] || { echo "$left" >&2; tl_fail "TAPs left after the failed exec"; }
echo "ok: failed exec: no fd closed twice, no TAP left"
echo "PASS"
