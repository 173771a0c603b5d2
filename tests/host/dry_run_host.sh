#!/usr/bin/env bash
# --dry-run reads the host (the bridge's MTU, TUN features, the emulator's path) but changes
# nothing, and prints exactly the steps a real run takes, under the names the kernel will give
# the TAPs, where QEMU's options came from (the stand-in emulator lists none, so QEMU 7.2's
# table), then the command. With several problems it lists each on a line of its own.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"

tl_netns_create dryrun
tl_make_bridge br0
tl_set_runner "$fake_bin"
ip -n "$TL_NS" link set br0-up mtu 9000
ip -n "$TL_NS" link set br0 mtu 9000

before=$(tl_link_state)
# The owner record names this run's PID, start time and PID namespace: written as P, S and N
# below.
anonymous() { sed -E 's/pid=[0-9]+ start=[0-9]+ pidns=[0-9]+/pid=P start=S pidns=N/g'; }
output=$("${TL_RUN[@]}" "$taplaunch" --dry-run \
  --nic bridge=br0,mac=52:54:00:12:34:56 --nic bridge=br0,mac=fe:54:00:00:00:01,model=rtl8139 \
  -- qemu-system-x86_64 -append 'console=ttyS0 quiet' | anonymous)
after=$(tl_link_state)
[ "$before" = "$after" ] || tl_fail "--dry-run changed the host"

# What each line must say (not the whole output frozen): the steps under the names the kernel
# will give, marked as predictions; the MACs (0xFE, and 0xFA for a guest MAC that starts with
# 0xFE) and the owner record; the bridge's MTU; the order; the note; then the command.
expect_line() {  # expect_line LINE_NUMBER EXACT_TEXT
  local got
  got=$(sed -n "$1p" <<<"$output")
  [ "$got" = "$2" ] || tl_fail "dry-run line $1 is '$got', not '$2'"
}
[ "$(wc -l <<<"$output")" -eq 13 ] || { echo "$output" >&2; tl_fail "dry-run printed $(wc -l <<<"$output") lines, not 13"; }
expect_line 1 "nic 0: create TAP tap0 (IFF_TAP|IFF_NO_PI|IFF_VNET_HDR), the name predicted for tap%d"
expect_line 2 "nic 1: create TAP tap1 (IFF_TAP|IFF_NO_PI), the name predicted for tap%d"
expect_line 3 "nic 0: set MAC of tap0 to fe:54:00:12:34:56 and its alias to 'taplaunch pid=P start=S pidns=N guest=guest mac=52:54:00:12:34:56 uid=0'"
expect_line 4 "nic 0: set MTU of tap0 to 9000"
expect_line 5 "nic 1: set MAC of tap1 to fa:54:00:00:00:01 and its alias to 'taplaunch pid=P start=S pidns=N guest=guest mac=fe:54:00:00:00:01 uid=0'"
expect_line 6 "nic 1: set MTU of tap1 to 9000"
expect_line 7 "nic 0: attach tap0 to bridge br0"
expect_line 8 "nic 1: attach tap1 to bridge br0"
expect_line 9 "nic 0: set tap0 up"
expect_line 10 "nic 1: set tap1 up"
grep -q '^note: tap0, tap1 are predictions: ' <<<"$(sed -n 11p <<<"$output")" || tl_fail "line 11 does not say tap0 and tap1 are predictions"
expect_line 12 "QEMU options: taplaunch's table of QEMU 7.2 ($fake_bin/qemu-system-x86_64 -help listed no options)"
command=$(sed -n 13p <<<"$output")
for word in "qemu-system-x86_64 -append 'console=ttyS0 quiet' " \
  "-netdev tap,id=net0,fd=3 -device virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56,host_mtu=9000" \
  "-netdev tap,id=net1,fd=4 -device rtl8139,netdev=net1,mac=fe:54:00:00:00:01"; do
  grep -qF -- "$word" <<<"$command" || tl_fail "the command '$command' lacks '$word'"
done

# A real run logs the same steps, under the predicted names, in the same order.
log=$("${TL_RUN[@]}" "$taplaunch" -v \
  --nic bridge=br0,mac=52:54:00:12:34:56 --nic bridge=br0,mac=fe:54:00:00:00:01,model=rtl8139 \
  -- qemu-system-x86_64 -append 'console=ttyS0 quiet' 2>&1 >/dev/null | sed 's/^taplaunch: //')
planned=$(head -n 10 <<<"$output" | sed -E 's/, the name predicted for tap%d$//')
done_steps=$(grep '^nic ' <<<"$log" | anonymous)
if [ "$planned" != "$done_steps" ]; then
  diff <(echo "$planned") <(echo "$done_steps") >&2 || true
  tl_fail "the real run's steps differ from the dry run's"
fi

# Every problem, one line each, exit 2, nothing changed; a real run stops at the first.
before=$(tl_link_state)
set +e
problems=$("${TL_RUN[@]}" "$taplaunch" --dry-run --nic bridge=br9 --nic bridge=br0,mtu=70000 \
  --nic bridge=br0-up -- qemu-system-x86_64 2>&1 >/dev/null)
status=$?
set -e
[ "$status" -eq 2 ] || tl_fail "--dry-run with problems exited $status, not 2"
[ "$(tl_link_state)" = "$before" ] || tl_fail "--dry-run with problems changed the host"
problems_expected="taplaunch: nic 'bridge=br0,mtu=70000': mtu 70000 is out of range: a TAP takes 68 to 65521 (the TUN driver's limit is 65535 less the 14-byte Ethernet header)"
[ "$problems" = "$problems_expected" ] || { echo "$problems" >&2; tl_fail "a spec error is reported before planning"; }
set +e
problems=$("${TL_RUN[@]}" "$taplaunch" --dry-run --nic bridge=br9 --nic bridge=br0 \
  --nic bridge=br0-up -- qemu-system-x86_64 2>&1 >/dev/null)
status=$?
first=$("${TL_RUN[@]}" "$taplaunch" --nic bridge=br9 --nic bridge=br0 --nic bridge=br0-up \
  -- qemu-system-x86_64 2>&1 >/dev/null)
set -e
[ "$status" -eq 2 ] || tl_fail "--dry-run with problems exited $status, not 2"
[ "$(wc -l <<<"$problems")" -eq 2 ] || { echo "$problems" >&2; tl_fail "expected two problem lines"; }
grep -q "^taplaunch: nic 0: bridge 'br9' does not exist" <<<"$problems" || tl_fail "missing the br9 line"
grep -q "^taplaunch: nic 2: 'br0-up' is a veth device, not a bridge" <<<"$problems" || tl_fail "missing the veth line"
[ "$first" = "$(head -n1 <<<"$problems")" ] || { echo "$first" >&2; tl_fail "a real run should stop at the first problem, one line"; }
[ "$(tl_link_state)" = "$before" ] || tl_fail "a run with problems changed the host"

# Notes are printed by default, on stderr; --quiet prints only errors; -v adds each step.
said=$("${TL_RUN[@]}" "$taplaunch" --nic bridge=br0,mtu=1500 -- qemu-system-x86_64 2>&1 >/dev/null)
[ "$said" = "taplaunch: note: nic 0: mtu 1500 is below bridge br0's MTU 9000: the bridge lowers its own MTU to match when the TAP joins, unless its MTU was set by hand (ip link set br0 mtu 9000 pins it)" ] \
  || { echo "$said" >&2; tl_fail "a real run should print the MTU note, and only it"; }
said=$("${TL_RUN[@]}" "$taplaunch" --quiet --nic bridge=br0,mtu=1500 -- qemu-system-x86_64 2>&1 >/dev/null)
[ -z "$said" ] || { echo "$said" >&2; tl_fail "--quiet printed something"; }
said=$("${TL_RUN[@]}" "$taplaunch" -q --nic bridge=br9 -- qemu-system-x86_64 2>&1 >/dev/null) && tl_fail "br9 was accepted"
grep -q "^taplaunch: nic 0: bridge 'br9' does not exist" <<<"$said" || tl_fail "--quiet must still print errors"
echo "PASS"
