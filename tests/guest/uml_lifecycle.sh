#!/usr/bin/env bash
# How a supervised UML guest ends when taplaunch is signalled, with real UML:
# - SIGTERM to taplaunch: forwarded, UML stops, every TAP is gone within a few seconds.
# - SIGKILL to taplaunch: UML gets SIGTERM (PR_SET_PDEATHSIG) and stops by itself; the TAPs
#   stay; `taplaunch gc` then removes exactly those and leaves an unrelated TAP alone.
# Usage: uml_lifecycle.sh TAPLAUNCH
set -euo pipefail
taplaunch=$1
source "$(dirname "$0")/../lib/uml_test.sh"

tl_uml_begin uml-lifecycle 2
log=$TL_UML_LOG
ip -n "$TL_NS" tuntap add unrelated0 mode tap
taps() { ip -n "$TL_NS" -o link show type tun | awk -F': ' '{print $2}' | sort | tr '\n' ' '; }

# boot_until_pinged: a guest on two NICs that stays up after its pings (tl.halt=none).
boot_until_pinged() {
  UML_WRAPPER=("$taplaunch" -v --name lifecycle --nic bridge=br0,ifname=life%d --nic bridge=br1,ifname=life%d --)
  # shellcheck disable=SC2046
  uml_start "$log" $(UML_INIT_ARGS="tl.halt=none tl.count=1" uml_boot_args vec0,vec1)
  uml_wait_marker || { cat "$log" >&2; uml_wait_exit 2; tl_fail "the guest never reported"; }
  [ "$UML_RESULT" = ok ] || { cat "$log" >&2; uml_wait_exit 2; tl_fail "the guest's pings failed"; }
  [ "$(taps)" = "life0 life1 unrelated0 " ] || { uml_wait_exit 2; tl_fail "while running: TAPs are [$(taps)]"; }
}

# SIGTERM: UML exits 1 on SIGTERM; taplaunch passes that on and removes both TAPs.
boot_until_pinged
started=$EPOCHREALTIME
uml_stop TERM
uml_wait_exit 10
elapsed=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
[ "$UML_STATUS" -ne 124 ] || tl_fail "taplaunch did not end within 10 s of SIGTERM"
[ "$UML_STATUS" -eq 1 ] || { cat "$log" >&2; tl_fail "after SIGTERM taplaunch exited $UML_STATUS, UML's status is 1"; }
[ -z "$UML_LEFTOVER" ] || tl_fail "processes outlived taplaunch after SIGTERM: $UML_LEFTOVER"
running=$(ip netns pids "$TL_NS" | tr '\n' ' ')
[ -z "$running" ] || tl_fail "processes outlived taplaunch after SIGTERM: pids $running"
[ "$(taps)" = "unrelated0 " ] || tl_fail "after SIGTERM: TAPs are [$(taps)]"
echo "SIGTERM: guest stopped and TAPs removed in ${elapsed}s"

# SIGKILL: nothing of taplaunch runs to clean up, but UML must not run on.
boot_until_pinged
uml_stop KILL
uml_wait_exit 10
[ "$UML_STATUS" -eq 137 ] || tl_fail "SIGKILL: status $UML_STATUS"
# Nothing may run on in the namespace (UML need not stay in the process group).
for _ in $(seq 100); do
  [ -z "$(ip netns pids "$TL_NS")" ] && break
  sleep 0.05
done
running=$(ip netns pids "$TL_NS" | tr '\n' ' ')
[ -z "$running" ] || tl_fail "UML ran on after its supervisor was killed: pids $running"
[ -z "$UML_LEFTOVER" ] || tl_fail "UML ran on after its supervisor was killed: $UML_LEFTOVER"
[ "$(taps)" = "life0 life1 unrelated0 " ] || tl_fail "after SIGKILL: TAPs are [$(taps)], want life0 life1 unrelated0"
out=$(tl_in_ns "$taplaunch" gc)
removed=$(grep '^removed ' <<<"$out" | awk '{print $2}' | sort | tr '\n' ' ' || true)
[ "$removed" = "life0 life1 " ] || { echo "$out" >&2; tl_fail "gc removed [$removed], want life0 life1"; }
[ "$(taps)" = "unrelated0 " ] || tl_fail "after gc: TAPs are [$(taps)]"
echo "SIGKILL: UML stopped by itself; gc removed exactly life0 and life1"
echo "PASS"
