#!/usr/bin/env bash
# `taplaunch gc` removes a TAP only on what it sees right before it acts:
#   - a TAP whose alias changes after gc has judged it, but before gc removes it, stays (gc
#     looks again immediately before the deletion: the kernel deletes by index whatever else a
#     request says, so the deletion itself cannot carry the check);
#   - gc run in another PID namespace (`unshare -pf --mount-proc`), where the supervisor's PID
#     means nothing, keeps that supervisor's TAP, and says why; a gc whose /proc shows another
#     PID namespace than its own judges no PID at all.
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

# 2. A live supervisor outside, gc inside a PID namespace of its own.
TL_INSPECT_SLEEP=60 "${TL_RUN[@]}" "$taplaunch" --name outside --nic bridge=br0,ifname=outside0 \
  -- linux >/dev/null &
supervisor=$!
pids+=("$supervisor")
for _ in $(seq 50); do
  ip -n "$TL_NS" link show outside0 2>/dev/null | grep -q ',UP' && break
  sleep 0.1
done
ip -n "$TL_NS" link show outside0 2>/dev/null | grep -q ',UP' || tl_fail "the supervisor's TAP never came up"
ip -n "$TL_NS" tuntap add old0 mode tap
ip -n "$TL_NS" link set old0 alias "taplaunch pid=1 start=1 guest=old"

tl_in_ns unshare -pf --mount-proc "$taplaunch" gc >"$work/gc.out" 2>"$work/gc.err" \
  || { cat "$work/gc.out" "$work/gc.err" >&2; tl_fail "gc in a PID namespace of its own failed"; }
ip -n "$TL_NS" link show outside0 >/dev/null 2>&1 \
  || { cat "$work/gc.out" >&2; tl_fail "gc in another PID namespace removed the TAP of a supervisor that still runs"; }
grep -q '^kept outside0 (guest outside): .*another PID namespace' "$work/gc.out" \
  || { cat "$work/gc.out" >&2; tl_fail "gc did not say why it kept outside0"; }
# A record without pidns= (taplaunch before it was recorded) is still judged where gc runs.
grep -q '^removed old0 ' "$work/gc.out" || { cat "$work/gc.out" >&2; tl_fail "gc did not remove old0"; }

# A gc whose /proc is another PID namespace's (unshare -pf without --mount-proc) judges nothing.
ip -n "$TL_NS" tuntap add old1 mode tap
ip -n "$TL_NS" link set old1 alias "taplaunch pid=1 start=1 guest=old"
tl_in_ns unshare -pf "$taplaunch" gc >"$work/gc.out" 2>"$work/gc.err" \
  || { cat "$work/gc.out" "$work/gc.err" >&2; tl_fail "gc with another namespace's /proc failed"; }
for tap in outside0 old1; do
  ip -n "$TL_NS" link show "$tap" >/dev/null 2>&1 \
    || { cat "$work/gc.out" >&2; tl_fail "gc judged $tap from a /proc of another PID namespace"; }
done
grep -q '^kept old1 (guest old): .*/proc' "$work/gc.out" \
  || { cat "$work/gc.out" >&2; tl_fail "gc did not say why it kept old1"; }

# Where the supervisor runs, gc judges it as ever: kept while it runs.
out=$(tl_in_ns "$taplaunch" gc)
grep -q '^kept outside0 (guest outside): its taplaunch, pid [0-9]*, still runs$' <<<"$out" \
  || { echo "$out" >&2; tl_fail "gc beside the supervisor did not keep outside0 for the right reason"; }
echo "PASS"
