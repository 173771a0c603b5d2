#!/usr/bin/env bash
# QEMU 7.2 accepts the fd forms the bridge rewrite produces: each case's arguments are
# rewritten (rewrite_qemu_bridges), real TAPs are opened at the fds it was given (multiqueue
# where it has several), and the real qemu-system-x86_64 starts on them, stopped (-S), and
# shows in `info network` the TAP backend on those fds under the NIC model and MAC expected.
set -euo pipefail
rewrite=$1 tap_fd_exec=$2
source "$(dirname "$0")/../lib/netns.sh"

command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: no qemu-system-x86_64" >&2; exit 77; }
tl_netns_create qemuforms
tl_make_bridge br0
tl_make_bridge br1

# run_case NAME TAPS FDS EXPECT... -- QEMU-ARGS: TAPS are tap_fd_exec.py --tap specs separated
# by spaces, FDS the rewrite's --fds values, each EXPECT an extended regex `info network` must
# match.
run_case() {
  local name=$1 taps=$2 fds=$3
  shift 3
  local expects=()
  while [ "$1" != "--" ]; do expects+=("$1"); shift; done
  shift
  local fd_args=() tap_args=() spec
  for spec in $fds; do fd_args+=(--fds "$spec"); done
  for spec in $taps; do tap_args+=(--tap "$spec"); done
  local rewritten=()
  mapfile -d '' rewritten < <("$rewrite" "${fd_args[@]}" -- "$@") ||
    tl_fail "$name: the rewrite failed"
  [ "${#rewritten[@]}" -gt 0 ] || tl_fail "$name: the rewrite printed nothing"
  local output
  output=$(printf 'info network\nquit\n' | timeout 60 ip netns exec "$TL_NS" \
    python3 "$tap_fd_exec" "${tap_args[@]}" -- \
    qemu-system-x86_64 -S -display none -nodefaults -monitor stdio -accel tcg "${rewritten[@]}" 2>&1) ||
    tl_fail "$name: QEMU refused ${rewritten[*]}: $output"
  local pattern
  for pattern in "${expects[@]}"; do
    grep -Eq -- "$pattern" <<<"$output" ||
      tl_fail "$name: info network lacks /$pattern/ for ${rewritten[*]}: $output"
  done
  echo "ok: $name: ${rewritten[*]}"
}

run_case "-nic with model and mac" "name=t0,fd=3,bridge=br0" "3" \
  'virtio-net-pci\.0: .*model=virtio-net-pci,macaddr=52:54:00:12:34:56' \
  'type=tap,fd=3' \
  -- -machine pc -nic bridge,br=br0,model=virtio-net-pci,mac=52:54:00:12:34:56

run_case "bare -nic: the machine's model, the given MAC" "name=t0,fd=3,bridge=br0" "3" \
  'e1000e\.0: .*model=e1000e,macaddr=52:54:00:' 'type=tap,fd=3' \
  -- -machine q35 -name guest=vm1 -nic bridge

run_case "-device before -netdev, two queues" \
  "name=mq0,fd=3,multi_queue=1,bridge=br1 name=mq0,fd=4,multi_queue=1" "3:4" \
  'nic0: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:' ' n0: index=0,type=tap,fd=3' ' n0: index=1,type=tap,fd=4' \
  -- -machine pc -device virtio-net-pci,netdev=n0,id=nic0 -netdev bridge,id=n0,br=br1

run_case "two bridges, commas in other values" \
  "name=t0,fd=3,bridge=br0 name=t1,fd=4,bridge=br1" "3 4" \
  'e1000\.0: .*macaddr=52:54:00:00:00:01' 'rtl8139\.0: .*macaddr=52:54:00:' \
  ' a: index=0,type=tap,fd=3' ' b: index=0,type=tap,fd=4' \
  -- -machine pc -name 'my,,vm' -fw_cfg 'name=opt/taplaunch,string=-nic bridge,,br=br0' \
     -netdev bridge,id=a,br=br0 -device e1000,netdev=a,mac=52:54:00:00:00:01 \
     -device rtl8139,netdev=b -netdev bridge,br=br1,id=b

run_case "-net nic with -net bridge on the hub" "name=t0,fd=3,bridge=br0" "3" \
  'hub0port.: #net[0-9]+: index=0,type=tap,fd=3' 'e1000\.0: .*macaddr=52:54:00:' \
  -- -machine pc -net nic,model=e1000 -net bridge,br=br0

run_case "-net nic,netdev= on a -netdev bridge" "name=t0,fd=3,bridge=br0" "3" \
  'virtio-net-pci\.0: .*macaddr=52:54:00:' ' n0: index=0,type=tap,fd=3' \
  -- -machine pc -netdev bridge,id=n0 -net nic,netdev=n0,model=virtio
