#!/usr/bin/env bash
# Real QEMU guests (TCG) on one Open vSwitch bridge (userspace datapath, the real ovsdb-server
# and ovs-vswitchd in the test's own namespace), all in one subnet: guests A and B in VLAN 10
# (vlan=10) reach each other; guest C in VLAN 20 (vlan=20) does not reach A; a trunk port
# (trunks=10+20, on a stand-in QEMU that reads the TAP) receives frames tagged 10 and 20. Every
# NIC's port row is gone once its emulator has exited (the keepers' work).
#
# Usage: ovs_vlans.sh TAPLAUNCH INITRAMFS (INITRAMFS.kernel names the kernel)
set -euo pipefail
taplaunch=$1 initramfs=$2
here=$(dirname "$0")
source "$here/../lib/netns.sh"
source "$here/../lib/ovs.sh"
source "$here/../lib/qemu_guest.sh"

tl_require_root
qemu=$(command -v qemu-system-x86_64) || { echo "SKIP: no qemu-system-x86_64 (install qemu-system-x86)" >&2; exit 77; }
if [ ! -f "$initramfs" ] || [ ! -f "$initramfs.kernel" ]; then
  echo "SKIP: no initramfs $initramfs (built by the guest.initramfs test)" >&2
  exit 77
fi
kernel=$(cat "$initramfs.kernel")

tl_netns_create ovs-vlans
tl_ovs_start
work=$(mktemp -d)
trap 'rm -rf "$work"; tl_ovs_stop; tl_netns_cleanup' EXIT
tl_ovs_bridge obr0
# The trunk's stand-in is found as QEMU by its name.
mkdir "$work/bin"
ln -s "$(realpath "$here/ovs_trunk_listener.py")" "$work/bin/qemu-system-x86_64"

# guest NAME VLAN ADDRESS PEER WAIT HOLD: boots it in the background, its console in work/NAME.
guest() {
  local name=$1 vlan=$2 address=$3 peer=$4 wait=$5 hold=$6
  tl_guest_boot "$work/$name" 120 ip netns exec "$TL_NS" "$taplaunch" --name "$name" \
    --nic "bridge=obr0,vlan=$vlan" -- "$qemu" -nodefaults -no-user-config -display none \
    -serial stdio -no-reboot -m 256 -kernel "$kernel" -initrd "$initramfs" \
    -append "console=ttyS0 quiet panic=-1 tl.ip=$address/24 tl.peer=$peer tl.count=2 tl.wait=$wait tl.hold=$hold" &
}

TL_TRUNK_SECONDS=100 ip netns exec "$TL_NS" "$taplaunch" --name trunk \
  --nic bridge=obr0,trunks=10+20,model=e1000,vnet_hdr=off -- "$work/bin/qemu-system-x86_64" \
  >"$work/trunk" 2>&1 &
trunk=$!
for _ in $(seq 50); do grep -q 'trunk listening' "$work/trunk" && break; sleep 0.1; done
guest a 10 10.10.0.1 10.10.0.2 40 20
guest_a=$!
guest b 10 10.10.0.2 10.10.0.1 40 20
guest_b=$!
guest c 20 10.10.0.3 10.10.0.1 15 0
guest_c=$!
wait "$guest_a" "$guest_b" "$guest_c" || true
wait "$trunk" || true

for name in a b; do
  grep -q 'TAPLAUNCH-GUEST: ping ok ' "$work/$name" || tl_guest_fail "$work/$name" "guest $name in VLAN 10 did not reach its peer"
done
grep -q 'TAPLAUNCH-GUEST: ping failed ' "$work/c" || tl_guest_fail "$work/c" "guest c in VLAN 20 reached guest a in VLAN 10"
grep -q '^trunk vlans=10,20$' "$work/trunk" || { cat "$work/trunk" >&2; tl_fail "the trunk port did not receive frames of both VLANs"; }
for _ in $(seq 50); do [ -z "$(tl_ovs_taplaunch_rows)" ] && break; sleep 0.1; done
[ -z "$(tl_ovs_taplaunch_rows)" ] || tl_fail "port rows left after the guests exited: $(tl_ovs_taplaunch_rows)"
echo "PASS"
