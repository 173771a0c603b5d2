#!/usr/bin/env bash
# QEMU command lines with QEMU's own bridge networking run unchanged behind `taplaunch --`: a
# real guest (TCG) pings the bridge through the TAP taplaunch made in place of what
# qemu-bridge-helper would have made. /etc/qemu/bridge.conf is absent for the run, so QEMU
# would fail at once had it still tried the helper. Checks the guest's driver and MAC (the one
# --dry-run --json predicted, taplaunch's stable default where the command line gives none),
# the TAP's 0xFE MAC on the bridge, multiqueue where asked, and that nothing is left.
#
# Usage: qemu_drop_in.sh TAPLAUNCH INITRAMFS CASE
#   nic_virtio     -nic bridge,br=br0,model=virtio-net-pci,mac=...
#   netdev_virtio  -device virtio-net-pci,netdev=n0,mac=... -netdev bridge,id=n0 (device first)
#   net_legacy     -net nic,model=virtio,macaddr=... -net bridge,br=br0
#   netdev_e1000   -netdev bridge,id=n0 -device e1000,netdev=n0 (no MAC: taplaunch's default)
#   nic_q35        -machine q35 -nic bridge,br=br0 (no model, no MAC: e1000e, the default MAC)
#   rtl8139        -nic bridge,model=rtl8139 (br0 by QEMU's default)
#   multiqueue     --nic bridge=br0,queues=4 with -smp 4: four queue pairs in the guest
set -euo pipefail
taplaunch=$1 initramfs=$2 case_name=$3
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/netns.sh"
source "$here/../lib/qemu_guest.sh"

tl_require_root
qemu=$(command -v qemu-system-x86_64) || { echo "SKIP: no qemu-system-x86_64 (install qemu-system-x86)" >&2; exit 77; }
if [ ! -f "$initramfs" ] || [ ! -f "$initramfs.kernel" ]; then
  echo "SKIP: no initramfs $initramfs (built by its fixture test)" >&2
  exit 77
fi
kernel=$(cat "$initramfs.kernel")

given_mac=52:54:00:4d:00:01
machine=pc cpus=1 queues=1 taplaunch_nics=()
case $case_name in
  nic_virtio) nic_args=(-nic "bridge,br=br0,model=virtio-net-pci,mac=$given_mac") driver=virtio_net ;;
  netdev_virtio) nic_args=(-device "virtio-net-pci,netdev=n0,mac=$given_mac" -netdev bridge,id=n0) driver=virtio_net ;;
  net_legacy) nic_args=(-net "nic,model=virtio,macaddr=$given_mac" -net bridge,br=br0) driver=virtio_net ;;
  netdev_e1000) nic_args=(-netdev bridge,id=n0 -device e1000,netdev=n0) driver=e1000 given_mac="" ;;
  nic_q35) nic_args=(-nic bridge,br=br0) machine=q35 driver=e1000e given_mac="" ;;
  rtl8139) nic_args=(-nic "bridge,model=rtl8139,mac=$given_mac") driver=8139cp ;;
  multiqueue) nic_args=() taplaunch_nics=(--nic "bridge=br0,mac=$given_mac,queues=4") cpus=4 queues=4 driver=virtio_net ;;
  *) tl_fail "unknown case $case_name" ;;
esac

# No bridge.conf for the run: qemu-bridge-helper would refuse every bridge without it.
exec 9>/run/lock/taplaunch-host-state
flock 9
saved_conf=""
tl_netns_create "dropin-$case_name"
log=$(mktemp)
restore() {
  if [ -n "$saved_conf" ]; then mv -f "$saved_conf" /etc/qemu/bridge.conf; fi
  rm -f "$log" "$log".*
  tl_netns_cleanup
}
trap restore EXIT
if [ -e /etc/qemu/bridge.conf ]; then
  saved_conf=/etc/qemu/bridge.conf.taplaunch-test-saved
  mv /etc/qemu/bridge.conf "$saved_conf"
fi
tl_make_bridge br0 10.77.0.1/24
tl_set_runner "$(dirname "$qemu")"

append="console=ttyS0 quiet panic=-1 tl.ip=10.77.0.2/24 tl.peer=10.77.0.1"
command=("$taplaunch" -v "${taplaunch_nics[@]}" --
  qemu-system-x86_64 -name dropin -machine "$machine" -smp "$cpus" -nodefaults -no-user-config
  -display none -serial stdio -no-reboot -m 256 -kernel "$kernel" -initrd "$initramfs"
  "${nic_args[@]}" -append "$append")

# What taplaunch will do, as --dry-run --json says: the guest MAC and the rewritten argv.
plan=$("${TL_RUN[@]}" "${command[0]}" --dry-run --json "${command[@]:2}") || tl_fail "the dry run failed"
mac=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["nics"][0]["guest_mac"])' <<<"$plan")
argv=$(python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)["argv"]))' <<<"$plan")
if [ -n "$given_mac" ]; then
  [ "$mac" = "$given_mac" ] || tl_fail "the plan's guest MAC is $mac, not the command line's $given_mac"
fi
! grep -q 'bridge' <<<"$argv" || { echo "$argv" >&2; tl_fail "a bridge form is left in the argv"; }

echo "running: $(printf '%q ' "${command[@]}")"
tl_guest_boot "$log" "${TL_GUEST_TIMEOUT:-60}" "${TL_RUN[@]}" "${command[@]}"
cat "$log"
[ "$TL_GUEST_STATUS" -ne 124 ] || tl_guest_fail "$log" "the guest did not finish in time"
[ "$TL_GUEST_STATUS" -eq 0 ] || tl_guest_fail "$log" "taplaunch (QEMU) exited with status $TL_GUEST_STATUS"
grep -qx "TAPLAUNCH-GUEST: result ok" "$log" || tl_guest_fail "$log" "the guest did not report 'result ok'"
[ "$(tl_guest_field "$log" "ping ok " driver)" = "$driver" ] || tl_guest_fail "$log" "the guest's NIC is not driven by $driver"
[ "$(tl_guest_field "$log" "ping ok " mac)" = "$mac" ] || tl_guest_fail "$log" "the guest's MAC is not $mac"
grep -qF "nic 0: set MAC of tap0 to fe:${mac#*:}" "$log" || tl_guest_fail "$log" "the TAP did not get fe:${mac#*:}"
neighbour=$(ip -n "$TL_NS" neigh show 10.77.0.2 dev br0)
[[ "$neighbour" == *"lladdr $mac "* ]] || tl_guest_fail "$log" "the bridge saw the guest as '$neighbour'"
if [ "$queues" -gt 1 ]; then
  rx=$(tl_guest_field "$log" "queues iface=" rx)
  tx=$(tl_guest_field "$log" "queues iface=" tx)
  [ "$rx" = "$queues" ] && [ "$tx" = "$queues" ] || tl_guest_fail "$log" "the guest has rx=$rx tx=$tx queues, not $queues"
  grep -qF "IFF_MULTI_QUEUE) with $queues queues" "$log" || tl_guest_fail "$log" "taplaunch did not make a $queues-queue TAP"
fi
leftover=$(ip -n "$TL_NS" -o link show type tun)
[ -z "$leftover" ] || tl_fail "TAP(s) left after QEMU exited: $leftover"
echo "TIME case=$case_name start-to-first-reply=${TL_GUEST_REPLY_SECONDS}s total=${TL_GUEST_TOTAL_SECONDS}s"
echo "PASS"
