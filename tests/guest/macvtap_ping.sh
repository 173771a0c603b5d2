#!/usr/bin/env bash
# A real QEMU guest (TCG) on a macvtap (macvtap=up0, mode bridge, virtio with the vnet header,
# two queues) over one end of a veth pair reaches an address on the other end, which lives in
# a second namespace, as the next host on a LAN would. The macvtap carries the guest's MAC,
# and is gone once QEMU has exited (the keeper's work); taplaunch's exit status is QEMU's.
# Then two guests on macvtaps of the same LOWER in mode bridge reach each other, and two in
# mode private do not (the second of them still reaches the LAN).
#
# Usage: macvtap_ping.sh TAPLAUNCH INITRAMFS (INITRAMFS.kernel names the kernel)
set -euo pipefail
taplaunch=$1 initramfs=$2
here=$(dirname "$0")
source "$here/../lib/netns.sh"
source "$here/../lib/qemu_guest.sh"

tl_require_root
# A macvtap's /dev/tapN comes from devtmpfs (or udev): without it on /dev (a root whose /dev
# is a tmpfs of its own, as the suite matrix's) no macvtap can be opened.
if [ "$(awk '$2 == "/dev" { fs = $3 } END { print fs }' /proc/self/mounts)" != devtmpfs ]; then
  echo "SKIP: /dev is not devtmpfs, so no /dev/tapN appears for a macvtap" >&2
  exit 77
fi
qemu=$(command -v qemu-system-x86_64) || { echo "SKIP: no qemu-system-x86_64 (install qemu-system-x86)" >&2; exit 77; }
if [ ! -f "$initramfs" ] || [ ! -f "$initramfs.kernel" ]; then
  echo "SKIP: no initramfs $initramfs (built by the guest.initramfs test)" >&2
  exit 77
fi
kernel=$(cat "$initramfs.kernel")

tl_netns_create macvtap-ping
lan="tl-macvtap-lan-$$"
work=$(mktemp -d)
trap 'rm -rf "$work"; ip netns del "$lan" 2>/dev/null || true; tl_netns_cleanup' EXIT
ip netns add "$lan"
ip -n "$TL_NS" link add up0 type veth peer name lan0 netns "$lan"
ip -n "$TL_NS" link set up0 up
ip -n "$lan" link set lo up
ip -n "$lan" addr add 10.33.0.1/24 dev lan0
ip -n "$lan" link set lan0 up

mac=52:54:00:33:00:02
tl_guest_boot "$work/console" 90 ip netns exec "$TL_NS" "$taplaunch" -v --name mv \
  --nic "macvtap=up0,mac=$mac,queues=2" -- "$qemu" -nodefaults -no-user-config -display none \
  -serial stdio -no-reboot -m 256 -kernel "$kernel" -initrd "$initramfs" \
  -append "console=ttyS0 quiet panic=-1 tl.ip=10.33.0.2/24 tl.peer=10.33.0.1"
echo "boot to first reply: ${TL_GUEST_REPLY_SECONDS:-none} s, total ${TL_GUEST_TOTAL_SECONDS} s"
grep -q 'TAPLAUNCH-GUEST: ping ok ' "$work/console" || tl_guest_fail "$work/console" "the guest on macvtap did not reach 10.33.0.1 across the veth"
grep -q 'create macvtap macvtap0 on up0 (mode bridge, .*open its /dev/tapN 2 times (IFF_TAP|IFF_NO_PI|IFF_VNET_HDR|IFF_MULTI_QUEUE)' "$work/console" ||
  tl_guest_fail "$work/console" "-v does not show a two-queue macvtap with the vnet header"
[ "$TL_GUEST_STATUS" -eq 0 ] || tl_guest_fail "$work/console" "taplaunch exited $TL_GUEST_STATUS, not QEMU's 0"
# The neighbour the guest answered from is the guest's own MAC: no 0xFE rewrite on a macvtap.
ip -n "$lan" neigh show 10.33.0.2 | grep -q "lladdr $mac" || { ip -n "$lan" neigh >&2; tl_fail "10.33.0.2 is not at the guest's MAC $mac"; }
for _ in $(seq 50); do ip -n "$TL_NS" link show macvtap0 >/dev/null 2>&1 || break; sleep 0.1; done
! ip -n "$TL_NS" link show macvtap0 >/dev/null 2>&1 || tl_fail "macvtap0 outlived QEMU"

# guest NAME MODE ADDRESS PEER WAIT HOLD: boots it in the background, its console in work/NAME.
guest() {
  local name=$1 mode=$2 address=$3 peer=$4 wait=$5 hold=$6
  tl_guest_boot "$work/$name" 90 ip netns exec "$TL_NS" "$taplaunch" --name "$name" \
    --nic "macvtap=up0,mode=$mode" -- "$qemu" -nodefaults -no-user-config -display none \
    -serial stdio -no-reboot -m 256 -kernel "$kernel" -initrd "$initramfs" \
    -append "console=ttyS0 quiet panic=-1 tl.ip=$address/24 tl.peer=$peer tl.count=2 tl.wait=$wait tl.hold=$hold" &
}
guest b bridge 10.33.0.3 10.33.0.4 40 15
guest_b=$!
guest c bridge 10.33.0.4 10.33.0.3 40 15
guest_c=$!
wait "$guest_b" "$guest_c" || true
for name in b c; do
  grep -q 'TAPLAUNCH-GUEST: ping ok ' "$work/$name" || tl_guest_fail "$work/$name" "guest $name in mode bridge did not reach its neighbour on up0"
done
guest d private 10.33.0.5 10.33.0.6 15 0
guest_d=$!
guest e private 10.33.0.6 10.33.0.1 40 20
guest_e=$!
wait "$guest_d" "$guest_e" || true
grep -q 'TAPLAUNCH-GUEST: ping ok ' "$work/e" || tl_guest_fail "$work/e" "guest e in mode private did not reach the LAN"
grep -q 'TAPLAUNCH-GUEST: ping failed ' "$work/d" || tl_guest_fail "$work/d" "guest d in mode private reached guest e on the same LOWER"
for _ in $(seq 50); do [ -z "$(ip -n "$TL_NS" -o link show type macvtap)" ] && break; sleep 0.1; done
[ -z "$(ip -n "$TL_NS" -o link show type macvtap)" ] || tl_fail "macvtaps left after the guests exited"
echo "PASS"
