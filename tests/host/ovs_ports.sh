#!/usr/bin/env bash
# Open vSwitch bridges, with the stand-in emulator: taplaunch asks the OVS database which kind a
# tun device is, adds each TAP as a port with libvirt's external ids and the owner record, with
# vlan=, trunks=, iface_id= and isolated=on (protected) as asked, for --nic and QEMU's own
# -nic bridge form; after an exec hand-off the keeper removes the rows (the emulator keeps
# taplaunch's PID and its exit status), with --supervise the supervisor does; after SIGKILL of
# emulator and keeper, gc removes exactly taplaunch's rows of gone owners. --dry-run and -v say
# what removes the rows; OVS-only keys on a Linux bridge are refused in one line; the OVS
# bridge's MAC (its uplink's) never changes.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/ovs.sh"

tl_netns_create ovs
tl_ovs_start
work=$(mktemp -d)
monitor=""
keeper="" alive="" victim=""
trap 'kill -9 $monitor $keeper $alive $victim 2>/dev/null || true; rm -rf "$work"; tl_ovs_stop; tl_netns_cleanup' EXIT
tl_make_bridge br0
tl_ovs_bridge obr0
# An uplink with a global MAC, as a host's NIC: the OVS bridge takes its address.
ip -n "$TL_NS" link add up0 address "$TL_UPLINK_MAC" type veth peer name up0-peer
ip -n "$TL_NS" link set up0 up
ip -n "$TL_NS" link set up0-peer up
tl_ovs_vsctl add-port obr0 up0
for _ in $(seq 50); do
  ip -n "$TL_NS" link show obr0 | grep -q "link/ether $TL_UPLINK_MAC" && break
  sleep 0.1
done
ip -n "$TL_NS" link show obr0 | grep -q "link/ether $TL_UPLINK_MAC" || tl_fail "obr0 did not take its uplink's MAC"
tl_in_ns ip -o monitor link >"$work/events" 2>&1 &
monitor=$!
tl_set_runner "$fake_bin"

# --dry-run: the port's settings, and what removes the row for each hand-off.
out=$(tl_in_ns "$taplaunch" --dry-run --name g1 --nic bridge=obr0,vlan=10 -- qemu-system-x86_64)
grep -q '^nic 0: add tap0 to Open vSwitch bridge obr0 (access port in VLAN 10, external ids attached-mac=52:54:00:[0-9a-f:]* iface-id=g1-nic0 vm-id=g1 iface-status=active' <<<"$out" ||
  { echo "$out" >&2; tl_fail "--dry-run does not show the OVS port"; }
grep -q '^on exit: nic 0: a keeper .* removes Open vSwitch port tap0 on obr0' <<<"$out" ||
  { echo "$out" >&2; tl_fail "--dry-run does not say what removes the row after exec"; }
out=$(tl_in_ns "$taplaunch" --dry-run --supervise --name g1 --nic bridge=obr0,trunks=10+20 -- qemu-system-x86_64)
grep -q '^on exit: nic 0: the supervisor removes Open vSwitch port tap0 on obr0' <<<"$out" ||
  { echo "$out" >&2; tl_fail "--dry-run --supervise does not say the supervisor removes the row"; }
tl_in_ns "$taplaunch" --dry-run --json --name g1 --nic bridge=obr0,trunks=10+20,iface_id=lp-1 -- qemu-system-x86_64 |
  python3 -c '
import json, sys
port = json.load(sys.stdin)["nics"][0]["open_vswitch"]
assert port["trunks"] == [10, 20] and port["vlan"] is None and port["iface_id"] == "lp-1", port
assert "keeper" in port["removal"], port
' || tl_fail "--dry-run --json does not describe the OVS port"
[ -z "$(tl_ovs_taplaunch_rows)" ] || tl_fail "--dry-run left a port row"

# OVS-only keys on a Linux bridge, bad VLANs, a tun device that is no OVS bridge, lock= on
# OVS: one line, 2.
ip -n "$TL_NS" tuntap add plain0 mode tap
for spec in bridge=br0,vlan=10 bridge=br0,trunks=10+20 bridge=obr0,vlan=4095 bridge=obr0,trunks=10+10 \
    bridge=obr0,vlan=10,trunks=20 bridge=plain0 bridge=obr0,lock=mac bridge=obr0,lock=ip,ip=10.0.0.5; do
  set +e
  err=$(tl_in_ns "$taplaunch" --name g1 --nic "$spec" -- qemu-system-x86_64 2>&1 >/dev/null)
  status=$?
  set -e
  [ "$status" -eq 2 ] || tl_fail "--nic $spec: exit $status, not 2"
  [ "$(wc -l <<<"$err")" -eq 1 ] || { echo "$err" >&2; tl_fail "--nic $spec: more than one line"; }
done
err=$(tl_in_ns "$taplaunch" --name g1 --nic bridge=br0,vlan=10 -- qemu-system-x86_64 2>&1 || true)
grep -q 'vlan= applies to an Open vSwitch port, and br0 is a Linux bridge' <<<"$err" || { echo "$err" >&2; tl_fail "vlan= on a Linux bridge: wrong refusal"; }
# The port lock is a Linux bridge's: OVS reads the TAP before its filter.
err=$(tl_in_ns "$taplaunch" --name g1 --nic bridge=obr0,lock=mac -- qemu-system-x86_64 2>&1 || true)
grep -q 'lock= works on a Linux bridge only, and obr0 is an Open vSwitch bridge' <<<"$err" || { echo "$err" >&2; tl_fail "lock= on OVS: wrong refusal"; }
err=$(tl_in_ns "$taplaunch" --name g1 --nic bridge=plain0 -- qemu-system-x86_64 2>&1 || true)
grep -q "'plain0' is a tun device, not a bridge" <<<"$err" || { echo "$err" >&2; tl_fail "a plain TAP as bridge: wrong refusal"; }
# A user who may not use the database socket (here: nobody, holding CAP_NET_ADMIN as with the
# file capability, and CAP_DAC_OVERRIDE for /dev/net/tun, whose mode this test leaves alone;
# taplaunch runs ovs-vsctl with no capability) gets one line naming it.
set +e
err=$(tl_in_ns capsh --keep=1 --user=nobody --inh=cap_net_admin,cap_dac_override \
  --addamb=cap_net_admin,cap_dac_override -- \
  -c 'exec "$@"' sh "$taplaunch" --name g1 --nic bridge=obr0 -- qemu-system-x86_64 2>&1 >/dev/null)
status=$?
set -e
[ "$status" -eq 2 ] && [ "$(wc -l <<<"$err")" -eq 1 ] || { echo "$err" >&2; tl_fail "nobody on an OVS bridge: exit $status, not one line and 2"; }
grep -q "could not be asked whether it is an OVS bridge: .*Permission denied.*$TL_OVS_DIR/db.sock" <<<"$err" ||
  { echo "$err" >&2; tl_fail "nobody on an OVS bridge: the line does not name the socket and the refusal"; }
[ -z "$(tl_ovs_vsctl list-ports obr0 | grep -v '^up0$')" ] || tl_fail "a refused launch left a port"

# exec: rows with their ids while the emulator runs, the PID and exit status kept, the rows gone
# after it exits (the keeper's work).
TL_INSPECT_SLEEP=3 TL_INSPECT_EXIT=7 "${TL_RUN[@]}" "$taplaunch" -v --name g1 \
  --nic bridge=obr0,vlan=10,isolated=on,iface_id=lp-a -- qemu-system-x86_64 -nic bridge,br=obr0 \
  >"$work/exec.out" 2>"$work/exec.err" &
launched=$!
for _ in $(seq 50); do [ "$(tl_ovs_taplaunch_rows | wc -l)" -eq 2 ] && break; sleep 0.1; done
[ "$(tl_ovs_taplaunch_rows | tr '\n' ' ')" = "tap0 tap1 " ] || { cat "$work/exec.err" >&2; tl_fail "no rows tap0 tap1 while the guest runs"; }
mac0=$(tl_ovs_vsctl get Interface tap0 external_ids:attached-mac | tr -d '"')
mac1=$(tl_ovs_vsctl get Interface tap1 external_ids:attached-mac | tr -d '"')
grep -q "mac=$mac0" "$work/exec.out" || tl_fail "attached-mac $mac0 of tap0 is not the guest's MAC"
grep -q "mac=$mac1" "$work/exec.out" || tl_fail "attached-mac $mac1 of tap1 is not the guest's MAC"
[ "$(tl_ovs_vsctl get Interface tap0 external_ids:iface-id | tr -d '"')" = g1-nic0 ] || tl_fail "tap0's iface-id is not the default g1-nic0"
[ "$(tl_ovs_vsctl get Interface tap1 external_ids:iface-id | tr -d '"')" = lp-a ] || tl_fail "tap1's iface-id is not iface_id= lp-a"
for tap in tap0 tap1; do
  [ "$(tl_ovs_vsctl get Interface $tap external_ids:vm-id | tr -d '"')" = g1 ] || tl_fail "$tap's vm-id is not g1"
  [ "$(tl_ovs_vsctl get Interface $tap external_ids:iface-status | tr -d '"')" = active ] || tl_fail "$tap's iface-status is not active"
  tl_ovs_vsctl get Interface $tap external_ids:taplaunch-owner | grep -q "pid=$launched .*guest=g1" || tl_fail "$tap's owner record does not name pid $launched"
  [ "$(tl_ovs_vsctl get Interface $tap ofport)" -gt 0 ] || tl_fail "OVS did not open $tap"
done
[ "$(tl_ovs_vsctl get Port tap0 tag)" = "[]" ] || tl_fail "the -nic bridge form's port has a tag"
[ "$(tl_ovs_vsctl get Port tap1 tag)" = 10 ] || tl_fail "vlan=10 did not tag tap1"
[ "$(tl_ovs_vsctl get Port tap1 protected)" = true ] || tl_fail "isolated=on did not protect tap1"
[ "$(tl_ovs_vsctl get Port tap0 protected)" = false ] || tl_fail "tap0 is protected"
# The signals a terminal or a service manager sends around do not stop the keeper early.
keeper=$(sed -n 's/.*keeper, pid \([0-9]*\),.*/\1/p' "$work/exec.err" | head -n1)
[ -n "$keeper" ] || { cat "$work/exec.err" >&2; tl_fail "no keeper pid in -v's log"; }
kill -TERM "$keeper"; kill -INT "$keeper"; kill -HUP "$keeper"
sleep 0.2
kill -0 "$keeper" 2>/dev/null || tl_fail "the keeper did not outlive SIGTERM, SIGINT and SIGHUP"
keeper=""
set +e
wait "$launched"
status=$?
set -e
[ "$status" -eq 7 ] || tl_fail "the emulator's exit status 7 came back as $status"
grep -q "^pid=$launched\$" "$work/exec.out" || tl_fail "the emulator does not have taplaunch's PID"
grep -q 'keeper, pid [0-9]*, removes Open vSwitch port tap0 from obr0 when pid' "$work/exec.err" ||
  { cat "$work/exec.err" >&2; tl_fail "-v does not say what removes the rows"; }
for _ in $(seq 50); do [ -z "$(tl_ovs_taplaunch_rows)" ] && break; sleep 0.1; done
[ -z "$(tl_ovs_taplaunch_rows)" ] || tl_fail "rows left after the emulator exited: $(tl_ovs_taplaunch_rows)"
# The keeper holds no TAP: they went with the emulator.
for tap in tap0 tap1; do
  ! ip -n "$TL_NS" link show "$tap" >/dev/null 2>&1 || tl_fail "$tap outlived the emulator"
done

# A row whose record was changed meanwhile is left alone by the keeper: silently when another
# launch's record took it over (as one reusing the TAP's name does), with a line otherwise.
TL_INSPECT_SLEEP=2 "${TL_RUN[@]}" "$taplaunch" --name g3 --nic bridge=obr0,ifname=taken0 \
  -- qemu-system-x86_64 >/dev/null 2>"$work/taken.err" &
launched=$!
for _ in $(seq 50); do tl_ovs_taplaunch_rows | grep -qx taken0 && break; sleep 0.1; done
tl_ovs_vsctl remove Interface taken0 external_ids taplaunch-owner
wait "$launched"
for _ in $(seq 30); do grep -q 'left Open vSwitch port taken0 alone' "$work/taken.err" && break; sleep 0.1; done
grep -q 'left Open vSwitch port taken0 alone: it no longer carries this guest' "$work/taken.err" ||
  { cat "$work/taken.err" >&2; tl_fail "the keeper did not say it left a taken-over row alone"; }
tl_ovs_vsctl list-ports obr0 | grep -qx taken0 || tl_fail "the keeper removed a row it no longer owned"
tl_ovs_vsctl del-port obr0 taken0
TL_INSPECT_SLEEP=2 "${TL_RUN[@]}" "$taplaunch" --name g3 --nic bridge=obr0,ifname=taken0 \
  -- qemu-system-x86_64 >/dev/null 2>"$work/taken.err" &
launched=$!
for _ in $(seq 50); do tl_ovs_taplaunch_rows | grep -qx taken0 && break; sleep 0.1; done
tl_ovs_vsctl set Interface taken0 'external_ids:taplaunch-owner="taplaunch pid=1 start=1 guest=later"'
wait "$launched"
sleep 1
tl_ovs_vsctl list-ports obr0 | grep -qx taken0 || tl_fail "the keeper removed a row another launch took over"
! grep -q taken0 "$work/taken.err" || { cat "$work/taken.err" >&2; tl_fail "the keeper complained about a row another launch took over"; }
tl_ovs_vsctl del-port obr0 taken0

# supervise: the supervisor removes the row itself.
out=$(TL_INSPECT_SLEEP=1 tl_in_ns env PATH="$fake_bin:$PATH" "$taplaunch" -v --supervise --name g2 \
  --nic bridge=obr0,trunks=10+20 -- qemu-system-x86_64 2>&1)
grep -q 'removed Open vSwitch port tap0 from obr0' <<<"$out" || { echo "$out" >&2; tl_fail "the supervisor did not remove the row"; }
[ -z "$(tl_ovs_taplaunch_rows)" ] || tl_fail "a row left after --supervise"

# UML opens its TAP by name: a persistent TAP, an OVS port, both removed by the supervisor.
out=$(TL_INSPECT_SLEEP=1 tl_in_ns env PATH="$fake_bin:$PATH" "$taplaunch" -v --name u1 \
  --nic bridge=obr0,vlan=20 -- linux 2>&1)
grep -q 'argv=.*vec0:transport=tap,ifname=tap0,' <<<"$out" || { echo "$out" >&2; tl_fail "UML did not get tap0 by name"; }
grep -q 'nic 0: add tap0 to Open vSwitch bridge obr0 (access port in VLAN 20' <<<"$out" || { echo "$out" >&2; tl_fail "UML's TAP did not join obr0"; }
grep -q 'removed Open vSwitch port tap0 from obr0' <<<"$out" || { echo "$out" >&2; tl_fail "the UML supervisor did not remove the row"; }
[ -z "$(tl_ovs_taplaunch_rows)" ] || tl_fail "a row left after UML"
! ip -n "$TL_NS" link show tap0 >/dev/null 2>&1 || tl_fail "UML's persistent TAP was left"

# SIGKILL of emulator and keeper: the row stays until gc, which spares a live guest's row and
# one that is not taplaunch's.
# --no-wait: foreign0 has no device, and ovs-vsctl of Open vSwitch exits 65 when
# it waits for a port whose interface the switch cannot open (4.0, unstable's; 3.1 did not).
tl_ovs_vsctl --no-wait add-port obr0 foreign0 -- set Interface foreign0 external_ids:iface-id=foreign
TL_INSPECT_SLEEP=60 "${TL_RUN[@]}" "$taplaunch" --name alive --nic bridge=obr0,ifname=alive0 \
  -- qemu-system-x86_64 >/dev/null 2>&1 &
alive=$!
TL_INSPECT_SLEEP=60 "${TL_RUN[@]}" "$taplaunch" -v --name victim --nic bridge=obr0,ifname=victim0 \
  -- qemu-system-x86_64 >/dev/null 2>"$work/victim.err" &
victim=$!
for _ in $(seq 100); do [ "$(tl_ovs_taplaunch_rows | wc -l)" -eq 2 ] && grep -q 'keeper' "$work/victim.err" && break; sleep 0.1; done
keeper=$(sed -n 's/.*keeper, pid \([0-9]*\),.*/\1/p' "$work/victim.err" | head -n1)
[ -n "$keeper" ] || tl_fail "no keeper pid in the victim's -v log"
# The keeper is not the emulator's child, holds no fd but stderr and a pidfd, and is not in
# the emulator's session (a terminal's signals are not for it).
[ "$(ps -o ppid= -p "$keeper" | tr -d ' ')" != "$victim" ] || tl_fail "the keeper is the emulator's child"
[ "$(ps -o sid= -p "$keeper" | tr -d ' ')" != "$(ps -o sid= -p "$victim" | tr -d ' ')" ] || tl_fail "the keeper is in the emulator's session"
held=$(for fd in /proc/"$keeper"/fd/*; do readlink "$fd"; done | grep -v -e '^/dev/null$' -e '^anon_inode:\[pidfd\]$' | wc -l)
[ "$held" -le 1 ] || { ls -l /proc/"$keeper"/fd >&2; tl_fail "the keeper holds more than stderr and its pidfd"; }
kill -KILL "$keeper" "$victim"
wait "$victim" 2>/dev/null || true
sleep 0.5
[ "$(tl_ovs_taplaunch_rows | tr '\n' ' ')" = "alive0 victim0 " ] || tl_fail "the killed guest's row went without gc"
# list and doctor see the live guest's port and both stale rows.
out=$(tl_in_ns "$taplaunch" list)
grep -qE '^alive0 +obr0 \(ovs\) +alive ' <<<"$out" || { echo "$out" >&2; tl_fail "list does not show alive0 on obr0 (ovs)"; }
grep -qE '^victim0 +obr0 +victim +[0-9]+ \(gone\) +victim-nic0 +- +gone \(taplaunch gc removes the row\)$' <<<"$out" ||
  { echo "$out" >&2; tl_fail "list does not show victim0's stale row"; }
tl_in_ns "$taplaunch" list --json | python3 -c '
import json, sys
listing = json.load(sys.stdin)
taps = {t["tap"]: t for t in listing["taps"]}
assert taps["alive0"]["bridge"] == "obr0" and taps["alive0"]["bridge_kind"] == "openvswitch", taps
ports = {p["port"]: p for p in listing["ovs_ports"]}
assert ports["victim0"]["tap_present"] is False and ports["victim0"]["launcher_running"] is False, ports
assert ports["alive0"]["tap_present"] is True and ports["alive0"]["guest"] == "alive", ports
assert "foreign0" not in ports, ports
' || tl_fail "list --json does not describe the OVS ports"
set +e
out=$(tl_in_ns "$taplaunch" doctor --strict obr0)
status=$?
set -e
[ "$status" -eq 1 ] || { echo "$out" >&2; tl_fail "doctor --strict obr0 exited $status, not 1"; }
grep -q '^bridge obr0: Open vSwitch bridge, datapath netdev' <<<"$out" || { echo "$out" >&2; tl_fail "doctor does not say obr0 is an OVS bridge"; }
grep -q '^  alive0: all VLANs, iface-id alive-nic0, taplaunch guest alive (pid [0-9]*, runs)$' <<<"$out" || { echo "$out" >&2; tl_fail "doctor does not describe alive0"; }
grep -A1 '^risk: stale port: victim0 on obr0 is a row of guest victim, whose taplaunch (pid [0-9]*) is gone$' <<<"$out" | grep -q 'fix: taplaunch gc' || { echo "$out" >&2; tl_fail "doctor misses victim0's stale row"; }
grep -A1 '^risk: stale port: foreign0' <<<"$out" | grep -q 'fix: ovs-vsctl --if-exists del-port obr0 foreign0' || { echo "$out" >&2; tl_fail "doctor misses foreign0's stale row"; }

dry=$(tl_in_ns "$taplaunch" gc --dry-run)
grep -q '^would remove Open vSwitch port victim0 on obr0 (guest victim' <<<"$dry" || { echo "$dry" >&2; tl_fail "gc --dry-run misses victim0's row"; }
out=$(tl_in_ns "$taplaunch" gc)
grep -q '^removed Open vSwitch port victim0 on obr0 (guest victim' <<<"$out" || { echo "$out" >&2; tl_fail "gc did not remove victim0's row"; }
grep -q '^kept Open vSwitch port alive0 on obr0 (guest alive): its taplaunch, pid [0-9]*, still runs$' <<<"$out" || { echo "$out" >&2; tl_fail "gc did not keep alive0's row"; }
grep -q '^gc: removed 1 Open vSwitch port, kept 1, checked 1$' <<<"$out" && tl_fail "impossible count"
grep -q '^gc: removed 1 Open vSwitch port, kept 1, checked 2$' <<<"$out" || { echo "$out" >&2; tl_fail "gc's OVS summary is wrong"; }
[ "$(tl_ovs_taplaunch_rows | tr '\n' ' ')" = "alive0 " ] || tl_fail "rows after gc: $(tl_ovs_taplaunch_rows)"
tl_ovs_vsctl list-ports obr0 | grep -qx foreign0 || tl_fail "gc removed a row that is not taplaunch's"
kill -KILL "$alive"
wait "$alive" 2>/dev/null || true
for _ in $(seq 50); do [ -z "$(tl_ovs_taplaunch_rows)" ] && break; sleep 0.1; done
[ -z "$(tl_ovs_taplaunch_rows)" ] || tl_fail "alive0's keeper did not remove its row after a SIGKILL of the emulator"

# The OVS bridge's MAC never left its uplink's (OVS ignores locally administered addresses,
# 0xFE's among them, when it picks one).
kill "$monitor"
wait "$monitor" 2>/dev/null || true
monitor=""
others=$(grep ' obr0:' "$work/events" | grep -o 'link/ether [0-9a-f:]*' | sort -u | grep -v "$TL_UPLINK_MAC" || true)
[ -z "$others" ] || tl_fail "obr0 took another MAC: $others"
ip -n "$TL_NS" link show obr0 | grep -q "link/ether $TL_UPLINK_MAC" || tl_fail "obr0's MAC changed"
echo "PASS"
