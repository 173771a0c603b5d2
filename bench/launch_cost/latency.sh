#!/usr/bin/env bash
# Section 1, inside the bench's namespace: launch latency of every way for each NIC count, in
# interleaved rounds. Writes BENCH_RAW/latency.csv: round,way,nics,launch_ns.
#   latency.sh "NIC COUNTS" "WAYS"
source "$(dirname "$0")/common.sh"
counts=$1
read -r -a ways <<<"$2"

# qemu-bridge-helper reads its ACL from /etc/qemu/bridge.conf. Give it `allow br0` through an
# overlay on /etc in this process's own mount namespace (`ip netns exec` made one): the host's
# /etc is never written, so there is nothing to restore and nothing to lock.
scratch=$(mktemp -d "$BENCH_RAW/etc-overlay.XXXXXX")
overlay_cleanup() {
  umount /etc 2>/dev/null || true
  umount "$scratch" 2>/dev/null || true
  rmdir "$scratch" 2>/dev/null || true
}
trap overlay_cleanup EXIT
mount -t tmpfs bench-etc "$scratch"
mkdir "$scratch/upper" "$scratch/work"
mount -t overlay bench-etc -o "lowerdir=/etc,upperdir=$scratch/upper,workdir=$scratch/work" /etc \
  || bench_fail "cannot put an overlay on /etc in a private mount namespace (needs overlayfs)"
mkdir -p /etc/qemu
echo "allow $bench_bridge" >/etc/qemu/bridge.conf

# QEMU's helper child closes every fd up to the open-file limit: use the common default,
# so that the result does not depend on the limit of whoever runs the bench.
ulimit -n "${BENCH_NOFILE:-1024}"

# Every way must do the same work, or the comparison means nothing: with 2 NICs, while the
# emulator runs, there are exactly 2 TAPs, up, on the bridge, with its MTU and a 0xFE MAC.
check_way() {
  local way=$1 report launcher taps tries mtu
  [ "$way" = bare ] && return 0
  report=$(mktemp "$BENCH_RAW/report.XXXXXX")
  bench_command "$way" 2
  BENCH_EMULATOR_SLEEP_MS=10000 "${bench_argv[@]}" >"$report" &
  launcher=$!  # every way execs: this becomes the emulator
  for ((tries = 0; tries < 1000; tries++)); do
    grep -q '^started_ns=' "$report" && break
    sleep 0.01
  done
  taps=$(ip -o link show type tun)
  kill "$launcher" 2>/dev/null || true
  wait "$launcher" 2>/dev/null || true
  rm -f "$report"
  bench_clear_taps
  mtu=$(ip -o link show "$bench_bridge" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
  [ "$(grep -c . <<<"$taps")" -eq 2 ] || bench_fail "$way did not make 2 TAPs: $taps"
  while read -r line; do
    [[ $line == *[\<,]UP[,\>]*" mtu $mtu "*" master $bench_bridge "*"link/ether fe:"* ]] \
      || bench_fail "$way made a TAP that is not up on $bench_bridge with MTU $mtu and a 0xFE MAC: $line"
  done <<<"$taps"
}
for way in "${ways[@]}"; do check_way "$way"; done

csv=$BENCH_RAW/latency.csv
echo "round,way,nics,launch_ns" >"$csv"
bench_clear_taps
for ((round = 1; round <= BENCH_ROUNDS; round++)); do
  for nics in $counts; do
    # Interleaved: every way once per round and count, starting one further along each round,
    # so that drift and cache effects spread over all ways alike.
    for ((i = 0; i < ${#ways[@]}; i++)); do
      way=${ways[(i + round) % ${#ways[@]}]}
      bench_command "$way" "$nics"
      result=$("$BENCH_PROGRAMS/launch_timer" once -- "${bench_argv[@]}") \
        || bench_fail "$way with $nics NICs failed: ${bench_argv[*]}"
      echo "$round,$way,$nics,$(bench_value launch_ns "$result")" >>"$csv"
      bench_clear_taps
    done
  done
  echo "  latency: round $round of $BENCH_ROUNDS done" >&2
done
