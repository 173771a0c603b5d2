#!/usr/bin/env bash
# Boots a real QEMU guest (TCG) with one NIC on a TAP made by hand (tap_fd_exec.py, not
# taplaunch) in a private network namespace, and checks that the NIC model works: the guest's
# driver, its MAC, its ping of the bridge (10.77.0.1) and the host's neighbour entry for it; for
# a multiqueue TAP also how many queues the guest set up, how many the TAP then had attached,
# and that traffic from every guest CPU passed through its own queue. Prints a TIME line.
#
# Usage: qemu_manual_nic.sh INITRAMFS MACHINE MODEL [QUEUES [CPUS]]
#   INITRAMFS  from make-initramfs.sh (INITRAMFS.kernel names the kernel), carrying MODEL's driver
#   MACHINE    QEMU's -machine: pc, q35, ...
#   MODEL      a QEMU NIC device (e1000, e1000e, rtl8139, virtio-net-pci, vmxnet3, ...), passed as
#              -netdev tap,fd=N -device MODEL; or "default": -nic tap,fd=N with no model, which
#              is the machine's own NIC (e1000 on pc, e1000e on q35)
#   QUEUES     TAP queues (default 1). More than 1: a multiqueue TAP passed as fds=, a device
#              with mq=on, and the guest must use min(QUEUES, CPUS) queue pairs
#   CPUS       guest CPUs, -smp (default: QUEUES)
# e.g. qemu_manual_nic.sh build/tests/guest/generic-kernel/initramfs.cpio.gz pc rtl8139
#      qemu_manual_nic.sh build/tests/guest/initramfs.cpio.gz pc virtio-net-pci 4
# TL_GUEST_TIMEOUT (default 60) bounds the guest's run in seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/netns.sh"
source "$here/../lib/qemu_guest.sh"

[ $# -ge 3 ] && [ $# -le 5 ] || tl_fail "usage: qemu_manual_nic.sh INITRAMFS MACHINE MODEL [QUEUES [CPUS]]"
initramfs=$1 machine=$2 model=$3 queues=${4:-1}
cpus=${5:-$queues}
guest_timeout=${TL_GUEST_TIMEOUT:-60}

tl_require_root
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: no qemu-system-x86_64 (install qemu-system-x86)" >&2; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: no python3 (install python3)" >&2; exit 77; }
if [ ! -f "$initramfs" ] || [ ! -f "$initramfs.kernel" ]; then
  echo "SKIP: no initramfs $initramfs (built by its fixture test: guest.initramfs or guest.generic_kernel)" >&2
  exit 77
fi
kernel=$(cat "$initramfs.kernel")
[ -r "$kernel" ] || tl_fail "cannot read kernel $kernel"

device_model=$model
if [ "$model" = default ]; then
  device_model=$(tl_qemu_default_model "$machine") || tl_fail "which NIC -nic gives machine $machine is not known"
fi
driver=$(tl_qemu_guest_driver "$device_model") || tl_fail "which guest driver binds $device_model is not known"
vnet_hdr=0
if tl_qemu_model_uses_vnet_hdr "$device_model"; then vnet_hdr=1; fi
if [ "$queues" -gt 1 ]; then
  [ "$driver" = virtio_net ] || tl_fail "QUEUES > 1 needs a virtio-net model, not $model"
  expected_queues=$((queues < cpus ? queues : cpus))
fi

mac=52:54:00:4c:00:01 tap_mac=fe:54:00:4c:00:01 tap=tlnic0
fds=$(seq -s: 3 $((2 + queues)))
tl_netns_create "nic-$model-$machine"
log=$(mktemp)
trap 'rm -f "$log" "$log".*; tl_netns_cleanup' EXIT
tl_make_bridge br0 10.77.0.1/24
tl_set_runner "$(dirname "$(command -v qemu-system-x86_64)")"

tl_qemu_nic_args n0 "$model" "$mac" "$fds"
append="console=ttyS0 quiet panic=-1 tl.ip=10.77.0.2/24 tl.peer=10.77.0.1"
if [ "$queues" -gt 1 ]; then append+=" tl.spread=1 tl.hold=2"; fi
command=("${TL_RUN[@]}" python3 "$here/tap_fd_exec.py"
  --tap "name=$tap,fd=$fds,mac=$tap_mac,bridge=br0,vnet_hdr=$vnet_hdr" --
  qemu-system-x86_64 -machine "$machine" -smp "$cpus" -nodefaults -no-user-config -display none
  -serial stdio -no-reboot -m 256 -kernel "$kernel" -initrd "$initramfs"
  "${TL_QEMU_NIC_ARGS[@]}" -append "$append")
echo "running: $(printf '%q ' "${command[@]}")"

# While the guest holds after its result (tl.hold=), the queues its driver enabled are the
# ones attached to the TAP (QEMU detaches the others: TUNSETQUEUE).
note_tap_queues() {
  case $1 in
    "TAPLAUNCH-GUEST: result "*)
      ip netns exec "$TL_NS" sh -c "ls /sys/class/net/$tap/queues" >"$log.tap-queues" 2>&1 || true ;;
  esac
}
TL_GUEST_ON_LINE=note_tap_queues
tl_guest_boot "$log" "$guest_timeout" "${command[@]}"
cat "$log"

[ "$TL_GUEST_STATUS" -ne 124 ] || tl_guest_fail "$log" "the guest did not finish within ${guest_timeout}s"
[ "$TL_GUEST_STATUS" -eq 0 ] || tl_guest_fail "$log" "QEMU exited with status $TL_GUEST_STATUS"
grep -qx "TAPLAUNCH-GUEST: result ok" "$log" || tl_guest_fail "$log" "the guest did not report 'result ok'"

# The guest's view: its NIC runs the model's driver, has our MAC and got replies from the bridge.
expected="TAPLAUNCH-GUEST: ping ok iface=[^ ]+ driver=$driver mac=$mac addr=10.77.0.2/24 peer=10.77.0.1 "
grep -qE -- "^${expected//./\\.}" "$log" || tl_guest_fail "$log" "no line matching: $expected"
# The host's view: the bridge learnt the guest's address with that MAC.
neighbour=$(ip -n "$TL_NS" neigh show 10.77.0.2 dev br0)
[[ "$neighbour" == *"lladdr $mac "* ]] || tl_guest_fail "$log" "host neighbour entry for 10.77.0.2 is '$neighbour', not lladdr $mac"

rx=$(tl_guest_field "$log" "queues iface=" rx)
tx=$(tl_guest_field "$log" "queues iface=" tx)
if [ "$queues" -gt 1 ]; then
  [ "$rx" = "$expected_queues" ] && [ "$tx" = "$expected_queues" ] \
    || tl_guest_fail "$log" "the guest set up rx=$rx tx=$tx queues, not $expected_queues ($queues on the TAP, $cpus CPUs)"
  tap_queues=$(cat "$log.tap-queues" 2>/dev/null || true)
  attached=$(grep -c '^tx-' <<<"$tap_queues" || true)
  [ "$attached" = "$expected_queues" ] \
    || tl_guest_fail "$log" "the TAP had $attached queue(s) attached while the guest ran ($(echo $tap_queues)), not $expected_queues"
  # Every queue the guest uses took traffic while it pinged from each CPU in turn.
  for direction in input output; do
    taken=$(tl_guest_field "$log" "spread iface=" "$direction")
    [ "$(tr ',' '\n' <<<"$taken" | grep -c '^[1-9]')" = "$expected_queues" ] \
      || tl_guest_fail "$log" "not every one of $expected_queues $direction queues took interrupts during the per-CPU pings: $taken"
  done
fi

leftover=$(ip -n "$TL_NS" -o link show type tun)
[ -z "$leftover" ] || tl_guest_fail "$log" "TAP left in the namespace after QEMU exited: $leftover"

uptime=$(tl_guest_field "$log" "ping ok " uptime)
echo "TIME model=$model machine=$machine queues=$queues cpus=$cpus driver=$driver guest-queues=$rx/$tx" \
  "start-to-first-reply=${TL_GUEST_REPLY_SECONDS:-none}s guest-uptime-at-ping=${uptime}s total=${TL_GUEST_TOTAL_SECONDS}s"
echo "PASS"
