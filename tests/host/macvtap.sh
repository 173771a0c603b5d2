#!/usr/bin/env bash
# macvtap=LOWER NICs, with the stand-in emulator, on one end of a veth pair: the macvtap is made
# on LOWER with the guest's own MAC, the mode asked, LOWER's MTU and the owner record, up, and
# handed over through /dev/tapN with the vnet header, one fd a queue; after an exec hand-off the
# keeper deletes it (the emulator keeps taplaunch's PID and its exit status), with --supervise
# the supervisor does; a macvtap whose record another launch took is left alone; after SIGKILL
# of emulator and keeper, gc deletes it and spares a macvtap that is not taplaunch's, and a
# guest started again deletes its leftover before it makes its new one. --dry-run,
# --json, -v, list and doctor say what there is and what removes it; bad input is one line,
# exit 2, and leaves every device as it was (a macvtap the kernel refused to bring up is
# rolled back, as is one whose /dev/tapN another namespace's macvtap took first).
set -euo pipefail
taplaunch=$1 fake_bin=$2
here=$(dirname "$0")
source "$here/../lib/netns.sh"
# A macvtap's /dev/tapN comes from devtmpfs (or udev): without it on /dev (a root whose /dev
# is a tmpfs of its own, as the suite matrix's) no macvtap can be opened.
if [ "$(awk '$2 == "/dev" { fs = $3 } END { print fs }' /proc/self/mounts)" != devtmpfs ]; then
  echo "SKIP: /dev is not devtmpfs, so no /dev/tapN appears for a macvtap" >&2
  exit 77
fi

tl_netns_create mvt
work=$(mktemp -d)
launched="" keeper=""
other="tl-mvt-other-$$"
trap 'kill -9 $launched $keeper 2>/dev/null || true; rm -rf "$work"; ip netns del "$other" 2>/dev/null || true; tl_netns_cleanup' EXIT
ip -n "$TL_NS" link add up0 mtu 1400 type veth peer name up0-peer
ip -n "$TL_NS" link set up0 up
ip -n "$TL_NS" link set up0-peer up
ip -n "$TL_NS" link add br0 type bridge
ip -n "$TL_NS" link add port0 type veth peer name port0-peer
ip -n "$TL_NS" link set port0 master br0
tl_set_runner "$fake_bin"
macvtaps() { ip -n "$TL_NS" -o link show type macvtap | awk -F": " "{print \$2}" | cut -d@ -f1 | sort | tr "\n" " "; }

# --dry-run: the macvtap's settings, and what removes it for each hand-off; nothing is made.
out=$(tl_in_ns "$taplaunch" --dry-run --name g1 --nic macvtap=up0,mode=vepa -- qemu-system-x86_64)
grep -q "^nic 0: create macvtap macvtap0 on up0 (mode vepa, MAC 52:54:00:[0-9a-f:]*, MTU 1400), set its alias to 'taplaunch pid=" <<<"$out" ||
  { echo "$out" >&2; tl_fail "--dry-run does not show the macvtap"; }
grep -q '^on exit: nic 0: a keeper .* removes macvtap macvtap0 when the emulator ends' <<<"$out" ||
  { echo "$out" >&2; tl_fail "--dry-run does not say what removes the macvtap after exec"; }
grep -q -- '-netdev tap,id=net0,fd=[0-9]' <<<"$out" || { echo "$out" >&2; tl_fail "--dry-run's command has no -netdev tap,fd="; }
out=$(tl_in_ns "$taplaunch" --dry-run --supervise --name g1 --nic macvtap=up0 -- qemu-system-x86_64)
grep -q '^on exit: nic 0: the supervisor removes macvtap macvtap0' <<<"$out" ||
  { echo "$out" >&2; tl_fail "--dry-run --supervise does not say the supervisor removes the macvtap"; }
tl_in_ns "$taplaunch" --dry-run --json --name g1 --nic macvtap=up0,mode=private -- qemu-system-x86_64 |
  python3 -c '
import json, sys
nic = json.load(sys.stdin)["nics"][0]
assert nic["macvtap"]["lower"] == "up0" and nic["macvtap"]["mode"] == "private", nic
assert "keeper" in nic["macvtap"]["removal"] and nic["bridge"] == "", nic
assert nic["tap_mac"] == nic["guest_mac"] and nic["mtu"] == 1400, nic
' || tl_fail "--dry-run --json does not describe the macvtap"
[ -z "$(macvtaps)" ] || tl_fail "--dry-run made a macvtap"

# Bad input: one line, exit 2, every device as it was. A lower that is missing, a bridge's
# port, lo; keys that are a bridge port's or an OVS port's; UML; an MTU above LOWER's. Then the
# kernel's own refusals, after creation (a MAC another device on LOWER has: EADDRINUSE when it
# comes up) or at it (passthru beside another macvtap): the created macvtap is rolled back.
ip -n "$TL_NS" link add link up0 name other0 address 52:54:00:00:00:99 type macvtap
ip -n "$TL_NS" link set other0 up
before=$(tl_link_state)
for args in "--nic macvtap=nope0 -- qemu-system-x86_64" "--nic macvtap=port0 -- qemu-system-x86_64" \
    "--nic macvtap=lo -- qemu-system-x86_64" "--nic bridge=br0,macvtap=up0 -- qemu-system-x86_64" \
    "--nic macvtap=up0,isolated=on -- qemu-system-x86_64" "--nic macvtap=up0,lock=mac -- qemu-system-x86_64" \
    "--nic macvtap=up0,vlan=10 -- qemu-system-x86_64" "--nic macvtap=up0,mode=loud -- qemu-system-x86_64" \
    "--nic macvtap=up0,mtu=9000 -- qemu-system-x86_64" "--nic macvtap=up0 -- linux mem=64M" \
    "--nic macvtap=up0,mac=52:54:00:00:00:99 -- qemu-system-x86_64" \
    "--nic macvtap=up0,mode=passthru -- qemu-system-x86_64"; do
  set +e
  # shellcheck disable=SC2086
  err=$("${TL_RUN[@]}" "$taplaunch" --name g1 $args 2>&1 >/dev/null)
  status=$?
  set -e
  case $args in *mac=52:54:00:00:00:99*|*passthru*) want=1 ;; *) want=2 ;; esac
  [ "$status" -eq "$want" ] || { echo "$err" >&2; tl_fail "$args: exit $status, not $want"; }
  [ "$(wc -l <<<"$err")" -eq 1 ] || { echo "$err" >&2; tl_fail "$args: more than one line"; }
  [ "$(tl_link_state)" = "$before" ] || { tl_link_state >&2; tl_fail "$args: the devices changed"; }
  echo "refused: $args: $err"
done
err=$("${TL_RUN[@]}" "$taplaunch" --name g1 --nic macvtap=port0 -- qemu-system-x86_64 2>&1 || true)
grep -q 'macvtap=port0: it is a port of a bridge' <<<"$err" || tl_fail "a bridge port as LOWER: wrong refusal"
err=$("${TL_RUN[@]}" "$taplaunch" --name g1 --nic macvtap=up0 -- linux mem=64M 2>&1 || true)
grep -q 'macvtap= works with QEMU only' <<<"$err" || tl_fail "UML: wrong refusal"
err=$("${TL_RUN[@]}" "$taplaunch" --name g1 --nic macvtap=up0,mac=52:54:00:00:00:99 -- qemu-system-x86_64 2>&1 || true)
grep -q 'set macvtap0 up failed: .*Address already in use' <<<"$err" || { echo "$err" >&2; tl_fail "a MAC in use on LOWER: wrong refusal"; }
ip -n "$TL_NS" link del other0

# exec: the macvtap while the emulator runs, the PID and exit status kept, the macvtap gone
# after it exits (the keeper's work).
TL_INSPECT_SLEEP=3 TL_INSPECT_EXIT=7 "${TL_RUN[@]}" "$taplaunch" -v --name g1 \
  --nic macvtap=up0,mac=52:54:00:12:34:56,mode=vepa,queues=2 -- qemu-system-x86_64 \
  >"$work/exec.out" 2>"$work/exec.err" &
launched=$!
for _ in $(seq 50); do grep -q '^argv=' "$work/exec.out" 2>/dev/null && break; sleep 0.1; done
details=$(ip -n "$TL_NS" -d link show macvtap0) || { cat "$work/exec.err" >&2; tl_fail "no macvtap0 while the guest runs"; }
grep -q 'macvtap0@up0:.*mtu 1400 .*state UP' <<<"$details" || { echo "$details" >&2; tl_fail "macvtap0 is not on up0, up, with up0's MTU"; }
grep -q 'link/ether 52:54:00:12:34:56 ' <<<"$details" || { echo "$details" >&2; tl_fail "macvtap0 does not carry the guest's MAC"; }
grep -q 'macvtap mode vepa' <<<"$details" || { echo "$details" >&2; tl_fail "macvtap0 is not in mode vepa"; }
grep -q "alias taplaunch pid=$launched .*guest=g1 mac=52:54:00:12:34:56" <<<"$details" || { echo "$details" >&2; tl_fail "macvtap0's owner record does not name pid $launched"; }
[ "$(grep -c 'ifname=macvtap0 tap=1 no_pi=1 vnet_hdr=1 persist=0 cloexec=0' "$work/exec.out")" -eq 2 ] ||
  { cat "$work/exec.out" >&2; tl_fail "the emulator does not hold two queues of macvtap0 with the vnet header"; }
grep -q -- '-netdev tap,id=net0,fds=3:4' "$work/exec.out" || { cat "$work/exec.out" >&2; tl_fail "no -netdev tap,fds=3:4"; }
# list: the macvtap, its lower interface and mode, in text and JSON.
tl_in_ns "$taplaunch" list | grep -q "^macvtap0 *up0 (macvtap vepa) *g1 *$launched " || { tl_in_ns "$taplaunch" list >&2; tl_fail "list does not show macvtap0"; }
tl_in_ns "$taplaunch" list --json | python3 -c '
import json, sys
listing = json.load(sys.stdin)
try:
    import jsonschema
    jsonschema.validate(listing, json.load(open(sys.argv[1])))
except ImportError:
    pass
[tap] = [t for t in listing["taps"] if t["tap"] == "macvtap0"]
assert tap["macvtap"] == {"lower": "up0", "mode": "vepa"} and tap["bridge"] is None, tap
assert tap["tap_mac"] == "52:54:00:12:34:56" and tap["launcher_running"], tap
' "$here/../../docs/list-schema.json" || tl_fail "list --json does not describe macvtap0"
# doctor on the lower interface: the macvtap, its guest, and why the host is out of its reach.
out=$(tl_in_ns "$taplaunch" doctor up0)
grep -q "^interface up0: a veth device, no bridge; .*MTU 1400, up$" <<<"$out" || { echo "$out" >&2; tl_fail "doctor up0 does not describe up0"; }
grep -q "^  macvtap0: mode vepa, MAC 52:54:00:12:34:56, MTU 1400, up, taplaunch guest g1 (pid $launched, runs)$" <<<"$out" || { echo "$out" >&2; tl_fail "doctor up0 does not describe macvtap0"; }
grep -q "^note: guests on these macvtaps do not reach this host through up0's own addresses" <<<"$out" || { echo "$out" >&2; tl_fail "doctor up0 does not say the host is out of reach"; }
grep -q "^doctor: no risk found on interface up0$" <<<"$out" || { echo "$out" >&2; tl_fail "doctor up0 found a risk"; }
keeper=$(sed -n 's/.*keeper, pid \([0-9]*\),.*/\1/p' "$work/exec.err" | head -n1)
[ -n "$keeper" ] || { cat "$work/exec.err" >&2; tl_fail "no keeper pid in -v's log"; }
grep -q "keeper, pid $keeper, removes macvtap macvtap0 when pid $launched" "$work/exec.err" ||
  { cat "$work/exec.err" >&2; tl_fail "-v does not say what removes the macvtap"; }
set +e
wait "$launched"
status=$?
set -e
launched=""
[ "$status" -eq 7 ] || tl_fail "the emulator's exit status 7 came back as $status"
grep -q "^pid=" "$work/exec.out" || tl_fail "the emulator did not run"
for _ in $(seq 50); do [ -z "$(macvtaps)" ] && break; sleep 0.1; done
[ -z "$(macvtaps)" ] || tl_fail "macvtaps left after the emulator exited: $(macvtaps)"
keeper=""

# --supervise: the supervisor deletes it.
TL_INSPECT_SLEEP=1 "${TL_RUN[@]}" "$taplaunch" -v --supervise --name g2 --nic macvtap=up0 \
  -- qemu-system-x86_64 >"$work/sup.out" 2>"$work/sup.err" || { cat "$work/sup.err" >&2; tl_fail "--supervise failed"; }
grep -q 'ifname=macvtap0 tap=1 no_pi=1 vnet_hdr=1' "$work/sup.out" || { cat "$work/sup.out" >&2; tl_fail "--supervise: no macvtap fd"; }
grep -q 'nic 0: removed macvtap0' "$work/sup.err" || { cat "$work/sup.err" >&2; tl_fail "--supervise: -v does not say the macvtap was removed"; }
[ -z "$(macvtaps)" ] || tl_fail "--supervise left $(macvtaps)"

# A macvtap whose owner record another launch wrote meanwhile (as one reusing the name does)
# is left alone by the keeper, with one line.
TL_INSPECT_SLEEP=2 "${TL_RUN[@]}" "$taplaunch" --name g3 --nic macvtap=up0,ifname=reuse0 \
  -- qemu-system-x86_64 >/dev/null 2>"$work/reuse.err" &
launched=$!
for _ in $(seq 50); do ip -n "$TL_NS" link show reuse0 >/dev/null 2>&1 && break; sleep 0.1; done
ip -n "$TL_NS" link set reuse0 alias "taplaunch pid=1 start=1 guest=later"
wait "$launched" || true
launched=""
sleep 0.5
ip -n "$TL_NS" link show reuse0 >/dev/null 2>&1 || tl_fail "the keeper deleted a macvtap another launch had taken"
grep -q 'left macvtap reuse0 alone: it no longer carries this launch' "$work/reuse.err" ||
  { cat "$work/reuse.err" >&2; tl_fail "the keeper did not say it left reuse0 alone"; }
ip -n "$TL_NS" link del reuse0

# /dev/tapN is named by ifindex, which each namespace counts on its own: when another
# namespace's macvtap took the node first (here under the same name, so that only the device
# numbers tell them apart), the launch stops with one line and deletes its own.
ip -n "$TL_NS" link add probe0 type veth peer name probe1
next=$(( $(ip -n "$TL_NS" -o link show | sed -n 's/^\([0-9]*\):.*/\1/p' | sort -n | tail -n1) + 1 ))
ip -n "$TL_NS" link del probe0
ip netns add "$other"
ip -n "$other" link add va type veth peer name vb
ip -n "$other" link add link va name macvtap0 index "$next" type macvtap
set +e
err=$("${TL_RUN[@]}" "$taplaunch" --name g5 --nic macvtap=up0 -- qemu-system-x86_64 2>&1 >/dev/null)
status=$?
set -e
[ "$status" -eq 1 ] && [ "$(wc -l <<<"$err")" -eq 1 ] || { echo "$err" >&2; tl_fail "a /dev/tap$next of another namespace: exit $status, not one line and 1"; }
grep -q "/dev/tap$next is macvtap macvtap0 (device [0-9]*:[0-9]* is this namespace.s) of another network namespace" <<<"$err" || { echo "$err" >&2; tl_fail "a /dev/tap$next of another namespace: wrong refusal"; }
[ -z "$(macvtaps)" ] || tl_fail "a refused launch left $(macvtaps)"
ip netns del "$other"

# SIGKILL of the emulator and the keeper leaves the macvtap; gc deletes it and spares a
# macvtap that is not taplaunch's.
ip -n "$TL_NS" link add link up0 name foreign0 type macvtap
TL_INSPECT_SLEEP=30 "${TL_RUN[@]}" "$taplaunch" -v --name g4 --nic macvtap=up0 \
  -- qemu-system-x86_64 >/dev/null 2>"$work/kill.err" &
launched=$!
for _ in $(seq 50); do grep -q 'keeper, pid' "$work/kill.err" && break; sleep 0.1; done
keeper=$(sed -n 's/.*keeper, pid \([0-9]*\),.*/\1/p' "$work/kill.err" | head -n1)
[ -n "$keeper" ] || { cat "$work/kill.err" >&2; tl_fail "no keeper for the victim"; }
out=$(tl_in_ns "$taplaunch" gc --dry-run)
grep -q '^kept macvtap0 (guest g4): its taplaunch, pid [0-9]*, still runs' <<<"$out" || { echo "$out" >&2; tl_fail "gc would judge a running guest's macvtap wrongly"; }
kill -9 "$keeper" "$launched"
wait "$launched" 2>/dev/null || true
launched="" keeper=""
sleep 0.3
[ "$(macvtaps)" = "foreign0 macvtap0 " ] || tl_fail "after SIGKILL: $(macvtaps), not foreign0 macvtap0"
set +e
out=$(tl_in_ns "$taplaunch" doctor --strict up0)
status=$?
set -e
[ "$status" -eq 1 ] || { echo "$out" >&2; tl_fail "doctor --strict up0 exited $status with a stale macvtap, not 1"; }
grep -A1 "^risk: stale macvtap: macvtap0 on up0 is guest g4's, whose taplaunch (pid [0-9]*) is gone$" <<<"$out" | grep -q '^  fix: taplaunch gc$' || { echo "$out" >&2; tl_fail "doctor misses the stale macvtap"; }
grep -q "^  foreign0: mode vepa, .*not taplaunch's$" <<<"$out" || { echo "$out" >&2; tl_fail "doctor does not show foreign0 as another's"; }
out=$(tl_in_ns "$taplaunch" gc --dry-run)
grep -q '^would remove macvtap0 (guest g4, taplaunch pid [0-9]* is gone)' <<<"$out" || { echo "$out" >&2; tl_fail "gc --dry-run would not remove macvtap0"; }
out=$(tl_in_ns "$taplaunch" gc)
grep -q '^removed macvtap0 (guest g4, taplaunch pid [0-9]* is gone)' <<<"$out" || { echo "$out" >&2; tl_fail "gc did not remove macvtap0"; }
[ "$(macvtaps)" = "foreign0 " ] || tl_fail "after gc: $(macvtaps), not foreign0 alone"

# A guest started again at once finds its last macvtap still there (with the same MAC, which
# keeps a second one from coming up): the leftover of a launch that is gone is deleted first.
TL_INSPECT_SLEEP=30 "${TL_RUN[@]}" "$taplaunch" -v --name g6 --nic macvtap=up0 \
  -- qemu-system-x86_64 >/dev/null 2>"$work/first.err" &
launched=$!
for _ in $(seq 50); do grep -q 'keeper, pid' "$work/first.err" && break; sleep 0.1; done
keeper=$(sed -n 's/.*keeper, pid \([0-9]*\),.*/\1/p' "$work/first.err" | head -n1)
kill -9 "$keeper" "$launched"
wait "$launched" 2>/dev/null || true
launched="" keeper=""
"${TL_RUN[@]}" "$taplaunch" -v --name g6 --nic macvtap=up0 -- qemu-system-x86_64 >/dev/null 2>"$work/again.err" ||
  { cat "$work/again.err" >&2; tl_fail "a guest started again beside its leftover macvtap failed"; }
grep -q '^taplaunch: nic 0: removed the leftover macvtap macvtap0 of guest g6 on up0 (taplaunch pid [0-9]* is gone)$' "$work/again.err" ||
  { cat "$work/again.err" >&2; tl_fail "-v does not say the leftover macvtap was removed"; }
for _ in $(seq 50); do [ "$(macvtaps)" = "foreign0 " ] && break; sleep 0.1; done
[ "$(macvtaps)" = "foreign0 " ] || tl_fail "after the second start: $(macvtaps), not foreign0 alone"
echo "PASS"
