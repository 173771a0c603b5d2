#!/usr/bin/env bash
# The point of the 0xFE MAC: a bridge that takes its lowest port's MAC must never take a TAP's.
# The bridge takes its old MAC back as soon as a TAP leaves, so its MAC after the fact proves
# nothing: every link event is watched (`ip -d -o monitor link`) during 200 launches with random
# guest MACs on a bridge whose uplink has MAC a0:36:9f:11:22:33 and 200 on one whose uplink has
# 00:1b:21:11:22:33, and neither bridge may ever show another address. The watch must have seen
# every launch's TAP MAC (no event lost). For contrast, TAPs made the plain way (`ip tuntap add`,
# attached with the kernel's random MAC) are attached 200 times to each bridge, and the test
# records how often the bridge's MAC moved: more than half the time on the first (a random MAC
# sorts below a0:... in 40 of 64 cases), never on the second (none sorts below 00:...).
set -euo pipefail
taplaunch=$1 fake_bin=$2
launches=${TL_MAC_LAUNCHES:-200}
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/link_monitor.sh"

uplink_a=a0:36:9f:11:22:33 uplink_b=00:1b:21:11:22:33
tl_netns_create macstable
TL_UPLINK_MAC=$uplink_a tl_make_bridge br0
TL_UPLINK_MAC=$uplink_b tl_make_bridge br1
work=$(mktemp -d)
events=$work/events
trap 'tl_monitor_kill; rm -rf "$work"; tl_netns_cleanup' EXIT

# The addresses bridge $1 showed in the events, other than $2 (its uplink's), one a line.
foreign_bridge_macs() {
  grep -E "^[0-9]+: $1[:@]" "$events" | grep -oE 'link/ether [0-9a-f:]+' | awk '{print $2}' \
    | grep -v "^$2\$" | sort -u || true
}

# $1 random unicast MACs, not all zero, one a line.
random_macs() {
  local -a bytes
  read -r -a bytes <<<"$(od -An -v -tx1 -N $(($1 * 6)) /dev/urandom | tr -s ' \n' ' ')"
  local i mac
  for ((i = 0; i < $1 * 6; i += 6)); do
    printf -v mac '%02x:%s:%s:%s:%s:%s' $((0x${bytes[i]} & 0xfe)) "${bytes[i + 1]}" \
      "${bytes[i + 2]}" "${bytes[i + 3]}" "${bytes[i + 4]}" "${bytes[i + 5]}"
    [ "$mac" != 00:00:00:00:00:00 ] || mac=02:00:00:00:00:01
    echo "$mac"
  done
}

# taplaunch: each bridge gets $launches launches, one after another, in one shell in the
# namespace (no `ip netns exec` per launch).
random_macs "$launches" >"$work/macs0"
random_macs "$launches" >"$work/macs1"
tl_monitor_start "$events"
started=$EPOCHREALTIME
tl_set_runner "$fake_bin"
"${TL_RUN[@]}" bash -c '
  taplaunch=$1 work=$2
  for bridge in br0 br1; do
    i=0
    while read -r mac; do
      i=$((i + 1))
      "$taplaunch" --name "g$i" --nic "bridge=$bridge,mac=$mac" -- qemu-system-x86_64 >/dev/null \
        || { echo "launch $i on $bridge (mac $mac) failed" >&2; exit 1; }
    done <"$work/macs${bridge#br}"
  done' launch "$taplaunch" "$work" || tl_fail "a launch failed"
launch_seconds=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
tl_monitor_finish

# Every launch's TAP is in the events, with its MAC: the guest's with first byte 0xFE (0xFA
# for a guest MAC that starts with fe).
grep -oE 'link/ether f[ea](:[0-9a-f]{2}){5}' "$events" | awk '{print $2}' | sort -u >"$work/seen"
for bridge in 0 1; do
  sed -E 's/^fe:/fa:/; t; s/^[0-9a-f]{2}:/fe:/' "$work/macs$bridge" | sort -u >"$work/want$bridge"
  missing=$(comm -23 "$work/want$bridge" "$work/seen" | wc -l)
  [ "$missing" -eq 0 ] || tl_fail "the monitor missed $missing of br$bridge's $launches TAPs (events lost?)"
done
foreign0=$(foreign_bridge_macs br0 "$uplink_a")
foreign1=$(foreign_bridge_macs br1 "$uplink_b")
[ -z "$foreign0" ] || tl_fail "br0's MAC moved to: $foreign0"
[ -z "$foreign1" ] || tl_fail "br1's MAC moved to: $foreign1"
[ "$(ip -n "$TL_NS" -br link show br0 | awk '{print $3}')" = "$uplink_a" ] || tl_fail "br0's MAC is not its uplink's"
[ "$(ip -n "$TL_NS" -br link show br1 | awk '{print $3}')" = "$uplink_b" ] || tl_fail "br1's MAC is not its uplink's"
[ -z "$(ip -n "$TL_NS" -o link show type tun)" ] || tl_fail "TAPs left after the launches"

# Contrast: plain `ip tuntap add` TAPs, attached with the kernel's random MAC (each attach
# moves the bridge's MAC to the TAP's when that sorts lowest; each such MAC is the TAP's own,
# so the distinct foreign MACs count the attaches that moved it).
# Each TAP leaves the bridge again at once; all are deleted together at the end (by link group,
# one request: deleting one at a time costs ~17 ms each).
for bridge in br0 br1; do
  for ((i = 0; i < launches; i++)); do
    echo "tuntap add plain-$bridge-$i mode tap"
    echo "link set plain-$bridge-$i group 77"
    echo "link set plain-$bridge-$i master $bridge"
    echo "link set plain-$bridge-$i nomaster"
  done
done >"$work/plain.batch"
echo "link del group 77" >>"$work/plain.batch"
tl_monitor_start "$events"
ip -n "$TL_NS" -batch "$work/plain.batch"
tl_monitor_finish
moved0=$(foreign_bridge_macs br0 "$uplink_a" | grep -c . || true)
moved1=$(foreign_bridge_macs br1 "$uplink_b" | grep -c . || true)
[ "$moved0" -gt $((launches / 2)) ] \
  || tl_fail "contrast: plain TAPs moved br0's MAC in only $moved0 of $launches attaches (the watch should see more than half)"
[ "$moved1" -eq 0 ] || tl_fail "contrast: a random MAC sorted below 00:1b:21:11:22:33 ($moved1 times)?"
echo "taplaunch: $launches launches on br0 (uplink $uplink_a) and $launches on br1 (uplink $uplink_b) in ${launch_seconds}s: the bridges' MACs never changed"
echo "plain ip tuntap add: br0's MAC moved in $moved0 of $launches attaches, br1's in $moved1 of $launches"
echo "PASS"
