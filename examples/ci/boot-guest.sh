#!/usr/bin/env bash
# Boots one guest for a CI job on a bridge in a network namespace of its own, waits until the
# guest powers off (or a time limit), and keeps its serial console. Run as root on the runner.
# Safe to rerun: it first removes what an earlier run, killed half way, left behind, and it
# removes its namespace (with the bridge and the TAP) however it ends.
#
# Settings (environment):
#   GUEST_KERNEL, GUEST_INITRD, GUEST_APPEND   what QEMU boots (-kernel, -initrd, -append);
#                                              or GUEST_DISK, a disk image to boot instead
#   CI_NETNS       the namespace's name (default ci-guest); give each concurrent job its own
#   CONSOLE        where the guest's console goes (default ./console.log): the job's artifact
#   BRIDGE_ADDRESS the job's address on the bridge (default 10.0.2.1/24); the guest's
#                  side is the guest's to configure
#   TIMEOUT        seconds before the guest is stopped (default 600)
set -euo pipefail
ns=${CI_NETNS:-ci-guest}
console=${CONSOLE:-$PWD/console.log}
bridge_address=${BRIDGE_ADDRESS:-10.0.2.1/24}
time_limit=${TIMEOUT:-600}

remove_namespace() {
  # Every process still in the namespace (a guest of an earlier run), then the namespace:
  # its bridge and TAPs go with it.
  local pids
  pids=$(ip netns pids "$ns" 2>/dev/null || true)
  [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
}
remove_namespace
trap remove_namespace EXIT

ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add br0 type bridge
ip -n "$ns" addr add "$bridge_address" dev br0
ip -n "$ns" link set br0 up

if [ -n "${GUEST_DISK:-}" ]; then
  boot=(-drive "file=$GUEST_DISK,if=virtio,snapshot=on")
else
  boot=(-kernel "$GUEST_KERNEL" -initrd "$GUEST_INITRD" -append "${GUEST_APPEND:-console=ttyS0}")
fi
: >"$console"
status=0
# QEMU's own -nic bridge, taken over by taplaunch: no setuid helper, no bridge.conf. The guest's
# MAC is stable (from --name), so its address does not move between runs.
timeout -k 10 "$time_limit" ip netns exec "$ns" \
  taplaunch --name ci-guest -- qemu-system-x86_64 -m 512 -display none -no-reboot \
  -serial "file:$console" -nic bridge,br=br0,model=virtio-net-pci "${boot[@]}" || status=$?
echo "boot-guest: the guest ended with status $status; its console is in $console"
exit "$status"
