#!/usr/bin/env bash
# lock=mac and lock=ip on real TAPs: a stand-in emulator (lock_frames.py) writes into its TAP
# the frames a guest could send, and what reaches the bridge's uplink is counted. Each frame
# must pass or be dropped as its lock says; unknown unicast must not reach a locked port, frames
# to the guest's MAC must. Then the lifetime: after the hand-off ends (exit, SIGKILL), nothing of
# the lock is left (qdiscs, FDB, links as before) and a new TAP of the same name carries no lock;
# a persistent UML TAP whose supervisor was SIGKILLed stays locked until gc removes it.
set -euo pipefail
taplaunch=$1
frames="$(cd "$(dirname "$0")" && pwd)/lock_frames.py"
source "$(dirname "$0")/../lib/netns.sh"

tl_netns_create lock
tl_make_bridge br0
work=$(mktemp -d)
trap 'rm -rf "$work"; tl_netns_cleanup' EXIT
mkdir "$work/bin"
ln -s "$frames" "$work/bin/qemu-system-x86_64"
ln -s "$frames" "$work/bin/linux"
tl_set_runner "$work/bin"
guest=mac=52:54:00:00:00:50,ifname=locktap0  # a name no other test on the machine uses: gc
                                              # looks for holders of a name in all of /proc
addresses=ip=10.0.0.50+fd00::50

own="own-ipv4 own-arp own-ipv6 own-link-local dhcp-discover dad-probe own-last"
mac_spoofs="spoofed-mac arp-other-mac"
ip_spoofs="arp-other-ip ipv4-other-source ipv6-other-source forged-neighbour-advert router-advert
  router-advert-hop-by-hop dhcp-offer dhcpv6-advertise vlan-tagged"

host_state() {  # what the lock could leave behind
  tl_link_state
  ip -n "$TL_NS" -d link show type tun
  # Learned entries come and go with the test's traffic; entries set by hand stay.
  tl_in_ns bridge fdb show | grep -E 'static|permanent' | sort
  tl_in_ns tc qdisc show | grep -v '^qdisc noqueue' || true
}

# run_frames NAME EXPECTED_TO_PASS EXPECTED_DROPPED [taplaunch words...]: one launch; the
# stand-in sends every frame, the uplink counts them, then a frame to an unknown MAC and one to
# the guest's MAC go towards the guest.
run_frames() {
  local name=$1 pass=$2 dropped=$3
  shift 3
  rm -f "$work/ready"
  tl_in_ns python3 "$frames" capture br0-peer 10 "$work/listening" >"$work/uplink" &
  local capture=$!
  wait_for "$work/listening"
  (for _ in $(seq 400); do [ -e "$work/ready" ] && break; sleep 0.05; done
   tl_in_ns python3 "$frames" send br0-peer) &
  local sender=$!
  TL_LOCK_REPORT="$work/guest" TL_LOCK_READY="$work/ready" "${TL_RUN[@]}" "$taplaunch" "$@" \
    || tl_fail "$name: taplaunch exited $?"
  wait "$sender" "$capture"
  local frame
  for frame in $pass; do
    grep -qx "$frame" "$work/uplink" || tl_fail "$name: $frame did not reach the uplink"
  done
  for frame in $dropped; do
    grep -qx "$frame" "$work/uplink" && tl_fail "$name: $frame reached the uplink"
  done
  grep -qx to-guest "$work/guest" || tl_fail "$name: the guest did not get a frame to its MAC"
  echo "$name: passed: $(sort "$work/uplink" | tr '\n' ' ')"
}

wait_for() {  # wait_for FILE: until FILE exists (10 s at most), then removes it
  for _ in $(seq 400); do [ -e "$1" ] && break; sleep 0.05; done
  rm -f "$1"
}

before=$(host_state)

# Without a lock everything passes, and unknown unicast floods to the guest (proving that the
# check below can see it). virtio: the TAP has the vnet header.
run_frames "lock=off" "$own $mac_spoofs $ip_spoofs" "" \
  --nic bridge=br0,$guest -- qemu-system-x86_64
grep -qx unknown-unicast "$work/guest" || tl_fail "lock=off: no unknown unicast flooded (test broken?)"

# lock=mac, on a TAP without the vnet header (e1000).
run_frames "lock=mac" "$own $ip_spoofs" "$mac_spoofs" \
  --nic bridge=br0,$guest,model=e1000,lock=mac -- qemu-system-x86_64
grep -qx unknown-unicast "$work/guest" && tl_fail "lock=mac: unknown unicast flooded to the port"

run_frames "lock=ip" "$own" "$mac_spoofs $ip_spoofs" \
  --nic bridge=br0,$guest,lock=ip,$addresses -- qemu-system-x86_64
grep -qx unknown-unicast "$work/guest" && tl_fail "lock=ip: unknown unicast flooded to the port"

[ "$(host_state)" = "$before" ] || { diff <(echo "$before") <(host_state) >&2; tl_fail "the lock left something behind after exec"; }

# A new TAP of the same name carries no lock.
ip -n "$TL_NS" tuntap add locktap0 mode tap
ip -n "$TL_NS" link set locktap0 master br0
tl_in_ns tc qdisc show dev locktap0 | grep -q clsact && tl_fail "a new locktap0 has a clsact qdisc"
ip -n "$TL_NS" -d link show locktap0 | grep -q 'locked on' && tl_fail "a new locktap0 is locked"
ip -n "$TL_NS" link del locktap0

# SIGKILL of the exec'd emulator: the TAP and its lock go with its last fd.
rm -f "$work/ready"
TL_LOCK_REPORT=/dev/null TL_LOCK_READY="$work/ready" TL_LOCK_LISTEN=0 TL_LOCK_HOLD=30 \
  "${TL_RUN[@]}" "$taplaunch" --nic bridge=br0,$guest,lock=ip,$addresses -- qemu-system-x86_64 &
emulator=$!
for _ in $(seq 400); do [ -e "$work/ready" ] && break; sleep 0.05; done
tl_in_ns tc filter show dev locktap0 ingress | grep -q "bpf .*direct-action" || tl_fail "no lock filter while running"
{ kill -KILL "$emulator"; wait "$emulator"; } 2>/dev/null || true
for _ in $(seq 50); do [ "$(host_state)" = "$before" ] && break; sleep 0.1; done
[ "$(host_state)" = "$before" ] || { diff <(echo "$before") <(host_state) >&2; tl_fail "the lock left something behind after SIGKILL"; }

# UML's persistent TAP (supervise, opened by name): locked as before. (The stand-in opens the
# TAP after taplaunch closed it, and waits for its port to forward again.)
run_frames "lock=ip, UML tap transport" "$own" "$mac_spoofs $ip_spoofs" \
  --uml-xstate-adapter off --nic bridge=br0,$guest,lock=ip,$addresses -- linux
[ "$(host_state)" = "$before" ] || { diff <(echo "$before") <(host_state) >&2; tl_fail "the lock left something behind after supervise"; }

# The supervisor SIGKILLed: its persistent TAP outlives it, and keeps its lock until gc.
rm -f "$work/ready"
TL_LOCK_REPORT=/dev/null TL_LOCK_READY="$work/ready" TL_LOCK_LISTEN=0 TL_LOCK_HOLD=30 \
  "${TL_RUN[@]}" "$taplaunch" --uml-xstate-adapter off --nic bridge=br0,$guest,lock=ip,$addresses -- linux &
supervisor=$!
for _ in $(seq 400); do [ -e "$work/ready" ] && break; sleep 0.05; done
{ kill -KILL "$supervisor"; wait "$supervisor"; } 2>/dev/null || true
# The stand-in dies of its PR_SET_PDEATHSIG; the TAP loses its carrier with its last fd.
for _ in $(seq 50); do ip -n "$TL_NS" link show locktap0 | grep -q NO-CARRIER && break; sleep 0.1; done
ip -n "$TL_NS" -o link show locktap0 >/dev/null || tl_fail "the persistent TAP is gone (test broken?)"
# list and doctor say so.
tl_in_ns "$taplaunch" list | grep -qE '^locktap0 .* ip$' || tl_fail "list does not show locktap0's lock"
tl_in_ns "$taplaunch" doctor br0 | grep -q 'locktap0: .*, locked, not learning, no unknown-unicast flood, lock=ip;' \
  || { tl_in_ns "$taplaunch" doctor br0 >&2; tl_fail "doctor does not show locktap0's lock"; }
# Its owner opens it again by name and sends every frame: the lock still holds.
rm -f "$work/ready"
tl_in_ns python3 "$frames" capture br0-peer 10 "$work/listening" >"$work/uplink" &
capture=$!
wait_for "$work/listening"
tl_in_ns env TL_LOCK_REPORT=/dev/null TL_LOCK_READY="$work/ready" TL_LOCK_LISTEN=0 \
  "$work/bin/linux" vec0:transport=tap,ifname=locktap0
wait "$capture"
for frame in $own; do grep -qx "$frame" "$work/uplink" || tl_fail "orphaned TAP: $frame did not pass"; done
for frame in $mac_spoofs $ip_spoofs; do
  grep -qx "$frame" "$work/uplink" && tl_fail "orphaned TAP: $frame passed without its supervisor"
done
gc_report=$(tl_in_ns "$taplaunch" gc)
[ "$(host_state)" = "$before" ] || { echo "$gc_report" >&2; diff <(echo "$before") <(host_state) >&2; tl_fail "the lock left something behind after gc"; }

# As root of a user namespace of its own (unshare -Urn): the lock needs only CAP_NET_ADMIN over
# the namespace's network (classic BPF, no bpf() call). The "emulator" checks its TAP.
unshare -Urn sh -c 'ip link add br0 type bridge && ip link set br0 up && exec "$@"' sh \
  "$taplaunch" --emulator-kind qemu --nic bridge=br0,lock=ip,ip=10.0.0.5 -- sh -c \
  'tc filter show dev tap0 ingress | grep -q "bpf .*direct-action" && ip -d link show tap0 | grep -q "locked on"' \
  || tl_fail "lock=ip inside unshare -Urn"
echo PASS
