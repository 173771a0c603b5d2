#!/usr/bin/env bash
# A supervised emulator whose set-up fails between fork and exec (PR_SET_PDEATHSIG, placing
# the TAP fds; forced with TAPLAUNCH_TEST_FAULT) never runs: taplaunch exits 1 with one line
# naming the step, no TAP and no process is left, and the stand-in emulator printed nothing.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"

tl_netns_create setup-failure
tl_make_bridge br0
tl_set_runner "$fake_bin"
report=$(mktemp) errors=$(mktemp)
trap 'rm -f "$report" "$errors"; tl_netns_cleanup' EXIT

# check_failure FAULT STEP-REGEX TAPLAUNCH-ARGS...
check_failure() {
  local fault=$1 step=$2 status=0
  shift 2
  TAPLAUNCH_TEST_FAULT=$fault "${TL_RUN[@]}" "$taplaunch" "$@" >"$report" 2>"$errors" || status=$?
  # An emulator that started anyway would run on after taplaunch: wait for the namespace to
  # hold no process before reading what it printed.
  local left
  for _ in $(seq 100); do
    left=$(ip netns pids "$TL_NS")
    [ -z "$left" ] && break
    sleep 0.05
  done
  [ -z "$left" ] || tl_fail "$fault: processes left in the namespace: $left"
  [ ! -s "$report" ] || { cat "$report" >&2; tl_fail "$fault: the emulator ran"; }
  [ "$status" -eq 1 ] || { cat "$errors" >&2; tl_fail "$fault: exit status $status, want 1"; }
  [ "$(wc -l <"$errors")" -eq 1 ] && grep -Eq "^taplaunch: start .*: $step: Input/output error\$" "$errors" \
    || { cat "$errors" >&2; tl_fail "$fault: not one line naming $step"; }
  left=$(ip -n "$TL_NS" -o link show type tun)
  [ -z "$left" ] || { echo "$left" >&2; tl_fail "$fault: TAPs left behind"; }
  echo "ok: $fault, $*: $(cat "$errors")"
}

check_failure emulator-child:pdeathsig PR_SET_PDEATHSIG \
  --supervise --nic bridge=br0 -- qemu-system-x86_64
check_failure emulator-child:place-fds 'placing the TAP fds' \
  --supervise --nic bridge=br0 --nic bridge=br0,queues=2 -- qemu-system-x86_64
# UML by name: persistent TAPs, which only the supervisor's clean-up removes.
check_failure emulator-child:pdeathsig PR_SET_PDEATHSIG --nic bridge=br0 -- linux mem=64M
check_failure emulator-child:place-fds 'placing the TAP fds' --nic bridge=br0 -- linux mem=64M

# Without a fault the same launches run the emulator.
"${TL_RUN[@]}" "$taplaunch" --supervise --nic bridge=br0 -- qemu-system-x86_64 >"$report"
grep -q '^pid=' "$report" || tl_fail "the emulator did not run without a fault"
echo "PASS"
