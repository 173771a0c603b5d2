#!/usr/bin/env bash
# UML guest-to-bridge TCP throughput for each UML transport, with the TAPs made by taplaunch:
# iperf3 from the guest to a server on the bridge's address, in a private network namespace.
# Then the vector tap transport through an open port against one with lock=ip (the filter on
# the TAP's ingress, the port locked): what the lock costs the guest's traffic.
# Run on demand, as root, after a build:  bench/uml_throughput.sh [BUILD_DIR] [SECONDS] [ROUNDS] [lock]
# With "lock" as the fourth argument only the lock comparison runs.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
seconds=${2:-4}
rounds=${3:-1}
only_lock=${4:-}
taplaunch=$build/launcher/taplaunch
source "$top/tests/lib/netns.sh"
source "$top/tests/guest/uml_guest.sh"

uml_require
command -v iperf3 >/dev/null || tl_fail "needs iperf3 (apt-get install iperf3)"
tl_netns_create bench-uml
tl_make_bridge br0 10.77.0.1/24
log=$(mktemp)
trap 'rm -f "$log"; tl_netns_cleanup' EXIT
ip netns exec "$TL_NS" iperf3 -s -D -B 10.77.0.1 >/dev/null

echo "UML $(/usr/bin/linux --version 2>/dev/null | head -1), iperf3 ${seconds}s each way, $rounds round(s)"
measure() {  # measure LABEL NIC UML_WRAPPER...: prints guest->bridge and bridge->guest Mbit/s
  local label=$1 nic=$2 direction
  shift 2
  UML_WRAPPER=("$@")
  rates=()
  for direction in "" -R; do
    # shellcheck disable=SC2046
    uml_boot "$log" $(UML_INIT_ARGS="tl.count=1 tl.iperf=10.77.0.1 tl.iperf_time=$seconds tl.iperf_args=$direction" uml_boot_args "$nic") \
      || { cat "$log" >&2; tl_fail "$label: the guest failed"; }
    rates+=("$(sed -n 's/.*TAPLAUNCH-GUEST: iperf mbit_per_s=\([0-9]*\).*/\1/p' "$log")")
  done
}

for round in $(seq "$rounds"); do
  for lock in off ip; do
    keys=""
    [ "$lock" = ip ] && keys=",lock=ip,ip=10.77.0.2"
    measure "lock=$lock" vec0 "$taplaunch" --nic "bridge=br0$keys" --
    printf 'round %d  tap transport, lock=%-3s guest->bridge %6s Mbit/s   bridge->guest %6s Mbit/s\n' \
      "$round" "$lock" "${rates[0]:-?}" "${rates[1]:-?}"
  done
  [ -z "$only_lock" ] || continue
  for transport in tap tuntap fd; do
    [ "$transport" = tuntap ] && nic=eth0 || nic=vec0
    UML_WRAPPER=("$taplaunch" --uml-transport "$transport" --nic bridge=br0 --)
    rates=()
    for direction in "" -R; do
      # shellcheck disable=SC2046
      uml_boot "$log" $(UML_INIT_ARGS="tl.count=1 tl.iperf=10.77.0.1 tl.iperf_time=$seconds tl.iperf_args=$direction" uml_boot_args "$nic") \
        || { cat "$log" >&2; tl_fail "$transport: the guest failed"; }
      rates+=("$(sed -n 's/.*TAPLAUNCH-GUEST: iperf mbit_per_s=\([0-9]*\).*/\1/p' "$log")")
    done
    printf 'round %d  --uml-transport %-7s guest->bridge %6s Mbit/s   bridge->guest %6s Mbit/s\n' \
      "$round" "$transport" "${rates[0]:-?}" "${rates[1]:-?}"
  done
done
