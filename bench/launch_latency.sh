#!/usr/bin/env bash
# Launch latency: time from starting taplaunch to the emulator's first instruction, with 1 and
# 8 NICs, against a floor of exec alone (the same stand-in emulator started through
# `taplaunch` with no NIC). Run on demand, as root, after a build:
#   bench/launch_latency.sh [BUILD_DIR] [RUNS]
# Prints the median and 90th percentile in microseconds. Every launch runs in a private
# network namespace that is removed at the end.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
runs=${2:-50}
taplaunch=$build/launcher/taplaunch
fake_bin=$build/tests/host/fake-bin
source "$top/tests/lib/netns.sh"

tl_netns_create bench
tl_make_bridge br0
tl_set_runner "$fake_bin"

# measure LABEL COMMAND...: RUNS runs of COMMAND inside the namespace (one shell for all, so
# `ip netns exec` is not counted); each sample is the time from just before the shell forks
# to the stand-in emulator's first line of main, in microseconds (no pipe or subshell between).
measure() {
  local label=$1
  shift
  tl_in_ns env PATH="$fake_bin:$PATH" bash -c '
    runs=$1; shift
    report=$(mktemp)
    for _ in $(seq "$runs"); do
      before=${EPOCHREALTIME/./}
      "$@" >"$report"
      while IFS="=" read -r key value; do
        [ "$key" = started_ns ] && break
      done <"$report"
      echo $(( value / 1000 - before ))
    done
    rm -f "$report"' bench "$runs" "$@" \
  | sort -n | awk -v label="$label" '
    { v[NR] = $1 }
    END { printf "%-34s median %6d us   p90 %6d us   (n=%d)\n", label, v[int((NR + 1) / 2)], v[int(NR * 0.9)], NR }'
}

nics() { for _ in $(seq "$1"); do printf -- '--nic bridge=br0 '; done; }

echo "taplaunch $("$taplaunch" --version | cut -d' ' -f2), kernel $(uname -r), $runs runs each"
measure "floor: the emulator alone" qemu-system-x86_64
measure "taplaunch, 0 NICs" "$taplaunch" -- qemu-system-x86_64
measure "taplaunch, 1 NIC" "$taplaunch" $(nics 1) -- qemu-system-x86_64
measure "taplaunch, 8 NICs" "$taplaunch" $(nics 8) -- qemu-system-x86_64
