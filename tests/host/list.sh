#!/usr/bin/env bash
# `taplaunch list [--json]`: the TAPs of a running exec'd launch (QEMU: the emulator holds its
# TAPs and is its own launcher) and of a supervised one (UML), with guest, bridge, MACs, MTU and
# state; a TAP made without taplaunch is not listed; a killed supervisor shows as gone. The
# JSON validates against docs/list-schema.json.
set -euo pipefail
taplaunch=$1 fake_bin=$2
here=$(cd "$(dirname "$0")" && pwd)
schema=$here/../../docs/list-schema.json
source "$here/../lib/netns.sh"

tl_netns_create list
tl_make_bridge br0
tl_make_bridge br1
tl_set_runner "$fake_bin"
ip -n "$TL_NS" tuntap add other0 mode tap

out=$(tl_in_ns "$taplaunch" list)
[ "$out" = "TAP  BRIDGE  GUEST  LAUNCHER  HELD BY  TAP MAC  GUEST MAC  MTU  STATE  LOCK" ] \
  || { echo "$out" >&2; tl_fail "an empty listing should be the header alone"; }

TL_INSPECT_SLEEP=30 "${TL_RUN[@]}" "$taplaunch" --name web --nic bridge=br0,mac=52:54:00:00:10:01 \
  --nic bridge=br1,mac=52:54:00:00:10:02,ifname=lab0 -- qemu-system-x86_64 >/dev/null &
qemu=$!
TL_INSPECT_SLEEP=30 "${TL_RUN[@]}" "$taplaunch" --name uml1 --nic bridge=br0,mac=52:54:00:00:20:01,ifname=uml0,lock=mac \
  -- linux >/dev/null &
supervisor=$!
trap 'kill -9 $qemu $supervisor 2>/dev/null || true; tl_netns_cleanup' EXIT
for _ in $(seq 50); do
  [ "$(ip -n "$TL_NS" -o link show up | grep -cE ': (tap0|lab0|uml0)[:@]')" -eq 3 ] && break
  sleep 0.1
done

out=$(tl_in_ns "$taplaunch" list)
echo "$out"
row() { grep -E "^$1 " <<<"$out" | tr -s ' '; }
[ "$(row lab0)" = "lab0 br1 web $qemu $qemu fe:54:00:00:10:02 52:54:00:00:10:02 1500 up off" ] || tl_fail "lab0's row: $(row lab0)"
[ "$(row tap0)" = "tap0 br0 web $qemu $qemu fe:54:00:00:10:01 52:54:00:00:10:01 1500 up off" ] || tl_fail "tap0's row: $(row tap0)"
[ "$(row uml0)" = "uml0 br0 uml1 $supervisor - fe:54:00:00:20:01 52:54:00:00:20:01 1500 up mac" ] || tl_fail "uml0's row: $(row uml0)"
! grep -q '^other0 ' <<<"$out" || tl_fail "a TAP taplaunch did not make is listed"

json=$(tl_in_ns "$taplaunch" list --json)
python3 -c '
import json, sys, jsonschema
listing = json.loads(sys.argv[2])
jsonschema.validate(listing, json.load(open(sys.argv[1])))
taps = {t["tap"]: t for t in listing["taps"]}
assert sorted(taps) == ["lab0", "tap0", "uml0"], taps
assert taps["uml0"]["launcher_pid"] == int(sys.argv[3]) and taps["uml0"]["held_by_pid"] is None
assert taps["lab0"]["held_by_pid"] == int(sys.argv[4]) and taps["lab0"]["bridge"] == "br1"
assert all(t["launcher_running"] and t["up"] for t in taps.values())
assert taps["uml0"]["lock"] == {"mode": "mac", "port_locked": True, "learning": False, "unicast_flood": False}, taps["uml0"]
assert taps["tap0"]["lock"] == {"mode": "off", "port_locked": False, "learning": True, "unicast_flood": True}, taps["tap0"]
' "$schema" "$json" "$supervisor" "$qemu" || tl_fail "list --json is not what the text listing says"

kill -KILL "$supervisor"
wait "$supervisor" 2>/dev/null || true
sleep 0.3
out=$(tl_in_ns "$taplaunch" list)
grep -qE "^uml0 +br0 +uml1 +$supervisor \(gone\) " <<<"$out" || { echo "$out" >&2; tl_fail "the killed supervisor's TAP does not show it gone"; }
set +e
tl_in_ns "$taplaunch" list --bogus >/dev/null 2>&1
status=$?
set -e
[ "$status" -eq 2 ] || tl_fail "list --bogus exited $status, not 2"
echo "PASS"
