#!/usr/bin/env bash
# `taplaunch gc`: after a UML supervisor is SIGKILLed its persistent TAPs remain (its emulator
# gets SIGTERM through PR_SET_PDEATHSIG); gc removes exactly those and leaves alone a TAP made
# with `ip tuntap add`, one with a foreign alias, and one whose supervisor still runs.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"

tl_netns_create gc
tl_make_bridge br0
tl_set_runner "$fake_bin"
ip -n "$TL_NS" tuntap add unrelated0 mode tap
ip -n "$TL_NS" tuntap add foreign0 mode tap
ip -n "$TL_NS" link set foreign0 alias "taplaunch but not a record"
ip -n "$TL_NS" tuntap add stale0 mode tap
# A record of a process that cannot exist (pid 1 never started at tick 1).
ip -n "$TL_NS" link set stale0 alias "taplaunch pid=1 start=1 guest=ancient"

# A live supervisor whose TAP must survive gc.
TL_INSPECT_SLEEP=60 "${TL_RUN[@]}" "$taplaunch" --name alive --nic bridge=br0,ifname=alive0 \
  -- linux >/dev/null &
alive=$!
# The supervisor to be killed.
TL_INSPECT_SLEEP=60 "${TL_RUN[@]}" "$taplaunch" --name victim --nic bridge=br0,ifname=victim0 \
  --nic bridge=br0,ifname=victim1 -- linux >/dev/null &
victim=$!
trap 'kill -9 $alive $victim 2>/dev/null || true; tl_netns_cleanup' EXIT
for _ in $(seq 50); do
  [ "$(ip -n "$TL_NS" -o link show type tun | grep -cE 'alive0|victim[01]')" -eq 3 ] && break
  sleep 0.1
done
kill -KILL "$victim"
wait "$victim" 2>/dev/null || true
sleep 0.5
ip -n "$TL_NS" link show victim0 >/dev/null 2>&1 || tl_fail "victim0 vanished without gc"

dry=$(tl_in_ns "$taplaunch" gc --dry-run)
grep -q '^would remove victim0 (guest victim' <<<"$dry" || { echo "$dry" >&2; tl_fail "dry run misses victim0"; }
ip -n "$TL_NS" link show victim0 >/dev/null 2>&1 || tl_fail "gc --dry-run removed victim0"

out=$(tl_in_ns "$taplaunch" gc)
removed=$(grep '^removed ' <<<"$out" | awk '{print $2}' | sort | tr '\n' ' ')
[ "$removed" = "stale0 victim0 victim1 " ] || { echo "$out" >&2; tl_fail "gc removed [$removed]"; }
for kept in unrelated0 foreign0 alive0; do
  ip -n "$TL_NS" link show "$kept" >/dev/null 2>&1 || tl_fail "gc removed $kept"
done

# A TAP whose owner is gone but that a process still holds open is kept.
ip netns exec "$TL_NS" python3 -c '
import fcntl, struct, time
fd = open("/dev/net/tun", "r+b", buffering=0)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH22x", b"held0", 0x0002 | 0x1000))
fcntl.ioctl(fd, 0x400454cb, 1)
time.sleep(30)
' &
holder=$!
for _ in $(seq 50); do ip -n "$TL_NS" link show held0 >/dev/null 2>&1 && break; sleep 0.1; done
ip -n "$TL_NS" link set held0 alias "taplaunch pid=1 start=1 guest=held"
out=$(tl_in_ns "$taplaunch" gc)
grep -q "^kept held0 .*still open in pid $holder" <<<"$out" || { echo "$out" >&2; tl_fail "gc did not keep held0"; }
kill "$holder"; wait "$holder" 2>/dev/null || true
out=$(tl_in_ns "$taplaunch" gc)
grep -q '^removed held0 ' <<<"$out" || { echo "$out" >&2; tl_fail "gc did not remove held0 once released"; }
echo "PASS"
