#!/usr/bin/env bash
# `taplaunch gc` removes a TAP only on what it sees right before it acts: a TAP whose alias
# changes after gc has judged it, but before gc removes it, stays (gc looks again immediately
# before the deletion: the kernel deletes by index whatever else a request says, so the
# deletion itself cannot carry the check).
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/test_pause.sh"

tl_netns_create gcjudge
tl_make_bridge br0
tl_set_runner "$fake_bin"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$work"
  tl_netns_cleanup
}
trap cleanup EXIT

# 1. The alias changes between gc's judgement and its deletion.
ip -n "$TL_NS" tuntap add stale0 mode tap
ip -n "$TL_NS" link set stale0 alias "taplaunch pid=1 start=1 guest=ancient"
# ip netns exec execs taplaunch, so $! is its PID.
TAPLAUNCH_TEST_PAUSE=gc:remove ip netns exec "$TL_NS" "$taplaunch" gc >"$work/gc.out" 2>"$work/gc.err" &
gc=$!
pids+=("$gc")
tl_wait_paused "$gc" || { cat "$work/gc.out" "$work/gc.err" >&2; tl_fail "gc never paused before removing stale0"; }
ip -n "$TL_NS" link set stale0 alias "adopted while gc looked"
kill -CONT "$gc"
wait "$gc" || { cat "$work/gc.out" "$work/gc.err" >&2; tl_fail "gc failed"; }
ip -n "$TL_NS" link show stale0 >/dev/null 2>&1 \
  || { cat "$work/gc.out" >&2; tl_fail "gc removed stale0 although its alias changed before the deletion"; }
grep -q '^kept stale0 (guest ancient).*changed' "$work/gc.out" \
  || { cat "$work/gc.out" >&2; tl_fail "gc did not say why it kept stale0"; }
ip -n "$TL_NS" link del stale0

echo "PASS"
