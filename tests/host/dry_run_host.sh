#!/usr/bin/env bash
# --dry-run reads the host (the bridge's MTU, TUN features, the emulator's path) but changes
# nothing, and prints exactly the steps a real run takes, then the command.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"

tl_netns_create dryrun
tl_make_bridge br0
tl_set_runner "$fake_bin"
ip -n "$TL_NS" link set br0-up mtu 9000
ip -n "$TL_NS" link set br0 mtu 9000

before=$(tl_link_state)
output=$("${TL_RUN[@]}" "$taplaunch" --dry-run \
  --nic bridge=br0,mac=52:54:00:12:34:56 --nic bridge=br0,mac=fe:54:00:00:00:01,model=rtl8139 \
  -- qemu-system-x86_64 -append 'console=ttyS0 quiet')
after=$(tl_link_state)
[ "$before" = "$after" ] || tl_fail "--dry-run changed the host"

expected="nic 0: create TAP tap%d (IFF_TAP|IFF_NO_PI|IFF_VNET_HDR)
nic 0: set MAC of tap%d to fe:54:00:12:34:56
nic 0: set MTU of tap%d to 9000
nic 0: attach tap%d to bridge br0
nic 0: set tap%d up
nic 1: create TAP tap%d (IFF_TAP|IFF_NO_PI)
nic 1: set MAC of tap%d to fa:54:00:00:00:01
nic 1: set MTU of tap%d to 9000
nic 1: attach tap%d to bridge br0
nic 1: set tap%d up
qemu-system-x86_64 -append 'console=ttyS0 quiet' -netdev tap,id=net0,fd=3 -device virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56,host_mtu=9000 -netdev tap,id=net1,fd=4 -device rtl8139,netdev=net1,mac=fe:54:00:00:00:01"
if [ "$output" != "$expected" ]; then
  diff <(echo "$expected") <(echo "$output") >&2 || true
  tl_fail "dry-run output differs"
fi

# A real run logs the same steps (with the real names) in the same order.
log=$("${TL_RUN[@]}" "$taplaunch" -v \
  --nic bridge=br0,mac=52:54:00:12:34:56 --nic bridge=br0,mac=fe:54:00:00:00:01,model=rtl8139 \
  -- qemu-system-x86_64 -append 'console=ttyS0 quiet' 2>&1 >/dev/null | sed 's/^taplaunch: //')
planned=$(head -n 10 <<<"$expected" | sed -E 's/tap%d/tapN/g')
done_steps=$(grep '^nic ' <<<"$log" | sed -E 's/tap[0-9]+/tapN/g')
if [ "$planned" != "$done_steps" ]; then
  diff <(echo "$planned") <(echo "$done_steps") >&2 || true
  tl_fail "the real run's steps differ from the dry run's"
fi
echo "PASS"
