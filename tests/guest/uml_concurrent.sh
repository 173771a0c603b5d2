#!/usr/bin/env bash
# 16 real UML guests started at once through taplaunch on one bridge: each gets its own TAP
# (uml%d, persistent, with its owner record), boots and pings the bridge; then SIGTERM goes to
# all 16 supervisors together: each forwards it, UML exits 1, every TAP is removed, and the
# namespace's `ip -d link` is exactly as before with no process left.
# Usage: uml_concurrent.sh TAPLAUNCH [COUNT]
set -euo pipefail
taplaunch=$1 count=${2:-16}
source "$(dirname "$0")/../lib/uml_test.sh"

tl_uml_begin uml-concurrent
work=$TL_UML_DIR
# Supervisors still running when the test ends (it failed) are killed first.
# shellcheck disable=SC2016  # expanded when the test exits
tl_uml_on_exit 'cat "$TL_UML_DIR"/pid.* 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true'
before=$(tl_link_state)

started=$EPOCHREALTIME
for ((i = 0; i < count; i++)); do
  mkdir "$work/uml.$i"
  # shellcheck disable=SC2046,SC2016  # boot arguments have no spaces; the inner script expands
  setsid ip netns exec "$TL_NS" env --default-signal=INT,QUIT HOME="$work/uml.$i" TMPDIR="$UML_SHM" \
    bash -c 'for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$@"' \
    uml-launch "$taplaunch" --name "guest$i" --nic bridge=br0,ifname=uml%d -- "$UML_BIN" \
    $(UML_INIT_ARGS="tl.halt=none tl.count=1" uml_boot_args vec0 "10.77.0.$((10 + i))/24" 10.77.0.1) \
    "uml_dir=$work/uml.$i" </dev/null >"$work/log.$i" 2>&1 &
  echo $! >"$work/pid.$i"
done
reported() { cat "$work"/log.* | grep -ac 'TAPLAUNCH-GUEST: result' || true; }
deadline=$((${EPOCHREALTIME%.*} + 90))
while [ "$(reported)" -lt "$count" ] && [ "${EPOCHREALTIME%.*}" -lt "$deadline" ]; do sleep 0.1; done
boot_seconds=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
ok=$(cat "$work"/log.* | grep -ac 'TAPLAUNCH-GUEST: result ok' || true)
[ "$ok" -eq "$count" ] || { grep -a 'TAPLAUNCH-GUEST' "$work"/log.* >&2 || true; tl_fail "$ok of $count guests pinged"; }
taps=$(ip -n "$TL_NS" -d link show type tun | grep -c 'alias taplaunch pid=' || true)
[ "$taps" -eq "$count" ] || tl_fail "$taps TAPs with owner records for $count guests"

stop=$EPOCHREALTIME
# shellcheck disable=SC2046
kill -TERM $(cat "$work"/pid.*)
statuses=""
for ((i = 0; i < count; i++)); do
  status=0
  wait "$(cat "$work/pid.$i")" || status=$?
  statuses+="$status "
done
stop_seconds=$(awk -v a="$stop" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
rm -f "$work"/pid.*
[ "$(tr ' ' '\n' <<<"$statuses" | grep -c '^1$')" -eq "$count" ] \
  || tl_fail "after SIGTERM the supervisors exited [$statuses], want UML's 1 each"
for _ in $(seq 100); do [ -z "$(ip netns pids "$TL_NS")" ] && break; sleep 0.05; done
[ -z "$(ip netns pids "$TL_NS")" ] || tl_fail "processes left in the namespace: $(ip netns pids "$TL_NS" | tr '\n' ' ')"
after=$(tl_link_state)
[ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after") >&2 || true; tl_fail "ip -d link changed"; }
echo "PASS ($count UML guests at once: all pinged after ${boot_seconds}s; SIGTERM to all: all gone in ${stop_seconds}s, nothing left)"
