#!/usr/bin/env bash
# The point of the 0xFE MAC: a bridge that takes its lowest port's MAC must never take a TAP's.
# The bridge takes its old MAC back as soon as a TAP leaves, so its MAC after the fact proves
# nothing: watch every link event during 50 launches with random guest MACs and require that
# the bridge never showed any address but its uplink's. A control run that attaches TAPs the
# naive way (attach, then set the MAC) must show the flap, proving the watch can see one.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"

tl_netns_create macstable
tl_make_bridge br0
tl_set_runner "$fake_bin"
events=$(mktemp)
monitor_pid=""
stop_monitor() {
  if [ -n "$monitor_pid" ]; then
    kill "$monitor_pid" 2>/dev/null || true
    wait "$monitor_pid" 2>/dev/null || true
    monitor_pid=""
  fi
}
trap 'stop_monitor; rm -f "$events"; tl_netns_cleanup' EXIT

start_monitor() {
  : >"$events"
  ip -n "$TL_NS" -o monitor link >"$events" &
  monitor_pid=$!
  sleep 0.3
}

# Addresses the bridge showed in the events, other than its uplink's.
foreign_bridge_macs() {
  grep -E '^[0-9]+: br0[:@]' "$events" | grep -oE 'link/ether [0-9a-f:]+' | awk '{print $2}' \
    | grep -v "^$TL_UPLINK_MAC\$" | sort -u || true
}

random_unicast_mac() {
  local bytes
  bytes=$(od -An -N6 -tx1 /dev/urandom | tr -s ' ' | sed 's/^ //')
  set -- $bytes
  printf '%02x:%s:%s:%s:%s:%s\n' $(( 0x$1 & 0xfe )) "$2" "$3" "$4" "$5" "$6"
}

start_monitor
for i in $(seq 1 50); do
  mac=$(random_unicast_mac)
  [ "$mac" = 00:00:00:00:00:00 ] && mac=02:00:00:00:00:01
  "${TL_RUN[@]}" "$taplaunch" --nic "bridge=br0,mac=$mac" \
    -- qemu-system-x86_64 >/dev/null || tl_fail "launch $i (mac $mac) failed"
done
sleep 0.3
stop_monitor
launches_seen=$(grep -cE '^[0-9]+: tap0[:@]' "$events" || true)
[ "$launches_seen" -ge 50 ] || tl_fail "the monitor saw only $launches_seen tap0 events"
foreign=$(foreign_bridge_macs)
[ -z "$foreign" ] || tl_fail "the bridge's MAC flapped to: $foreign"
bridge_mac=$(ip -n "$TL_NS" -br link show br0 | awk '{print $3}')
[ "$bridge_mac" = "$TL_UPLINK_MAC" ] || tl_fail "bridge MAC is $bridge_mac"

# Control: the naive order (random kernel MAC on the bridge first) makes the bridge flap.
start_monitor
for i in $(seq 1 10); do
  ip -n "$TL_NS" tuntap add naive0 mode tap
  ip -n "$TL_NS" link set naive0 master br0
  ip -n "$TL_NS" link set naive0 address fe:00:00:00:00:01
  ip -n "$TL_NS" link del naive0
done
sleep 0.3
stop_monitor
[ -n "$(foreign_bridge_macs)" ] || tl_fail "control: the monitor saw no flap in the naive order"
echo "PASS (50 launches, bridge MAC never changed; control run flapped)"
