#!/usr/bin/env bash
# Section 2b, inside the bench's namespace: how long taplaunch's supervisor takes, after its
# emulator (the stand-in, named `linux` so that taplaunch supervises with persistent TAPs) has
# exited, to remove its TAPs and exit; and, for reference, what the kernel takes to delete as
# many persistent TAPs one request each (`ip -batch`) and all in one request by link group.
# Writes BENCH_RAW/teardown.csv: round,what,nics,ns
#   teardown.sh "NIC COUNTS"
source "$(dirname "$0")/common.sh"
counts=$1
csv=$BENCH_RAW/teardown.csv
echo "round,what,nics,ns" >"$csv"
group=4242  # link groups are per namespace: this one is the bench's own

make_persistent_taps() {
  local i
  for ((i = 0; i < $1; i++)); do
    echo "tuntap add dev bench$i mode tap"
    echo "link set dev bench$i group $group"
  done | ip -batch -
}

now_ns() { echo $((${EPOCHREALTIME/./} * 1000)); }

bench_clear_taps
for ((round = 1; round <= BENCH_ROUNDS; round++)); do
  for nics in $counts; do
    bench_command taplaunch "$nics" "$bench_uml"
    result=$("$BENCH_PROGRAMS/launch_timer" once -- "${bench_argv[@]}") \
      || bench_fail "supervised launch with $nics NICs failed"
    [ -z "$(ip -o link show type tun)" ] || bench_fail "the supervisor left TAPs behind"
    echo "$round,supervisor,$nics,$(bench_value after_exit_ns "$result")" >>"$csv"

    make_persistent_taps "$nics"
    started=$(now_ns)
    for ((i = 0; i < nics; i++)); do echo "link del dev bench$i"; done | ip -batch -
    echo "$round,kernel-one-by-one,$nics,$(($(now_ns) - started))" >>"$csv"
    bench_clear_taps

    make_persistent_taps "$nics"
    started=$(now_ns)
    ip link del group "$group"
    echo "$round,kernel-by-group,$nics,$(($(now_ns) - started))" >>"$csv"
    bench_clear_taps
  done
done
