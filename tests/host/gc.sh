#!/usr/bin/env bash
# `taplaunch gc`: after a UML supervisor is SIGKILLed its persistent TAPs remain (its emulator
# gets SIGTERM through PR_SET_PDEATHSIG); gc removes exactly those and leaves alone a TAP made
# with `ip tuntap add`, one with a foreign alias, and one whose supervisor still runs. A
# supervisor killed while its parent has not reaped it (a zombie) is gone too. gc says what it
# did with every taplaunch TAP, and ends with a summary line, also when there is nothing to do.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"

tl_netns_create gc
tl_make_bridge br0
tl_set_runner "$fake_bin"

out=$(tl_in_ns "$taplaunch" gc)
[ "$out" = "gc: removed 0 TAPs, kept 0, checked 0" ] || { echo "$out" >&2; tl_fail "gc on a clean namespace said the above"; }
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
TL_TMP_ZOMBIE=$(mktemp)
trap 'kill -9 $alive $victim 2>/dev/null || true; rm -f "$TL_TMP_ZOMBIE"; tl_netns_cleanup' EXIT
for _ in $(seq 50); do
  [ "$(ip -n "$TL_NS" -o link show type tun | grep -cE 'alive0|victim[01]')" -eq 3 ] && break
  sleep 0.1
done
kill -KILL "$victim"
wait "$victim" 2>/dev/null || true
sleep 0.5
ip -n "$TL_NS" link show victim0 >/dev/null 2>&1 || tl_fail "victim0 vanished without gc"

# A supervisor killed while its parent does not reap it stays a zombie (state Z): gone all the
# same. Its parent here sleeps without waiting.
"${TL_RUN[@]}" python3 -c '
import os, sys, time
pid = os.fork()
if pid == 0:
    os.environ["TL_INSPECT_SLEEP"] = "60"
    os.execvp(sys.argv[1], sys.argv[1:])
print(pid, flush=True)
time.sleep(60)
' "$taplaunch" --name zombie --nic bridge=br0,ifname=zombie0 -- linux >"$TL_TMP_ZOMBIE" &
zombie_parent=$!
trap 'kill -9 $alive $victim $zombie_parent 2>/dev/null || true; rm -f "$TL_TMP_ZOMBIE"; tl_netns_cleanup' EXIT
for _ in $(seq 50); do
  ip -n "$TL_NS" link show zombie0 2>/dev/null | grep -q ',UP' && break
  sleep 0.1
done
zombie=$(head -n1 "$TL_TMP_ZOMBIE")
[ -n "$zombie" ] || tl_fail "no supervisor PID from the zombie's parent"
kill -KILL "$zombie"
for _ in $(seq 50); do
  [ "$(ps -o stat= -p "$zombie" 2>/dev/null | cut -c1)" = Z ] && break
  sleep 0.1
done
[ "$(ps -o stat= -p "$zombie" | cut -c1)" = Z ] || tl_fail "the killed supervisor $zombie is not a zombie"
sleep 0.3   # its emulator goes (PR_SET_PDEATHSIG) and lets go of the TAP

dry=$(tl_in_ns "$taplaunch" gc --dry-run)
grep -q '^would remove victim0 (guest victim' <<<"$dry" || { echo "$dry" >&2; tl_fail "dry run misses victim0"; }
ip -n "$TL_NS" link show victim0 >/dev/null 2>&1 || tl_fail "gc --dry-run removed victim0"

out=$(tl_in_ns "$taplaunch" gc)
removed=$(grep '^removed ' <<<"$out" | awk '{print $2}' | sort | tr '\n' ' ')
[ "$removed" = "stale0 victim0 victim1 zombie0 " ] || { echo "$out" >&2; tl_fail "gc removed [$removed]"; }
grep -q '^kept alive0 (guest alive): its taplaunch, pid [0-9]*, still runs$' <<<"$out" || { echo "$out" >&2; tl_fail "gc did not say why it kept alive0"; }
[ "$(tail -n1 <<<"$out")" = "gc: removed 4 TAPs, kept 1, checked 5" ] || { echo "$out" >&2; tl_fail "gc's summary is wrong"; }
grep -q 'would remove zombie0 (guest zombie' <<<"$dry" || { echo "$dry" >&2; tl_fail "dry run misses the zombie's TAP"; }
[ "$(tail -n1 <<<"$dry")" = "gc: would remove 4 TAPs, kept 1, checked 5" ] || { echo "$dry" >&2; tl_fail "gc --dry-run's summary is wrong"; }
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
