# Shared by the guest tests that boot QEMU with the test initramfs (tests/guest/make-initramfs.sh,
# whose /init is tests/guest/initramfs-init.sh): what a NIC model means for QEMU's arguments, the
# TAP and the guest's driver, and a boot whose console is logged and timed.
# Source tests/lib/netns.sh first. Facts measured with QEMU 7.2 and Debian's 6.1 kernels
# (docs/guest-tests.md).

# The NIC QEMU gives `-nic tap,...` without model= on MACHINE.
tl_qemu_default_model() {
  case $1 in
    q35 | pc-q35-*) echo e1000e ;;
    pc | pc-i440fx-*) echo e1000 ;;
    *) return 1 ;;
  esac
}

# The Linux driver that binds MODEL in the guest (rtl8139: 8139cp, which the initramfs loads
# before 8139too, and which takes QEMU's RTL8139C+).
tl_qemu_guest_driver() {
  case $1 in
    virtio | virtio-net-pci*) echo virtio_net ;;
    e1000 | e1000-82540em | e1000-82544gc | e1000-82545em) echo e1000 ;;
    e1000e) echo e1000e ;;
    igb) echo igb ;;
    rtl8139) echo 8139cp ;;
    vmxnet3) echo vmxnet3 ;;
    *) return 1 ;;
  esac
}

# Whether MODEL uses the virtio-net header, so its TAP is opened with IFF_VNET_HDR (the rule
# taplaunch and libvirt follow; QEMU copes either way).
tl_qemu_model_uses_vnet_hdr() {
  case $1 in
    virtio | virtio-net-pci* | e1000e | igb | vmxnet3) return 0 ;;
    *) return 1 ;;
  esac
}

# Sets TL_QEMU_NIC_ARGS to QEMU's arguments for one NIC on the TAP fd(s) FDS ("3" or "3:4:5:6"):
#   MODEL "default": -nic tap,fd=N,mac=MAC (the machine's own NIC; one queue)
#   one fd:          -netdev tap,id=ID,fd=N -device MODEL,netdev=ID,mac=MAC
#   N fds:           -netdev tap,id=ID,fds=A:B:... -device MODEL,netdev=ID,mac=MAC,mq=on,vectors=2N+2
#                    (2N+2 MSI-X vectors, libvirt's formula; the guest uses one per queue and
#                    direction and one for config changes)
# Usage: tl_qemu_nic_args ID MODEL MAC FDS
tl_qemu_nic_args() {
  local id=$1 model=$2 mac=$3 fds=$4
  local queues
  queues=$(tr ':' '\n' <<<"$fds" | wc -l)
  if [ "$model" = default ]; then
    [ "$queues" -eq 1 ] || tl_fail "-nic without a model takes one TAP fd, not $fds"
    TL_QEMU_NIC_ARGS=(-nic "tap,fd=$fds,mac=$mac")
  elif [ "$queues" -eq 1 ]; then
    TL_QEMU_NIC_ARGS=(-netdev "tap,id=$id,fd=$fds" -device "$model,netdev=$id,mac=$mac")
  else
    TL_QEMU_NIC_ARGS=(-netdev "tap,id=$id,fds=$fds"
      -device "$model,netdev=$id,mac=$mac,mq=on,vectors=$((2 * queues + 2))")
  fi
}

# Runs a guest (COMMAND, which ends in qemu-system-*) for at most TIMEOUT seconds, its console
# and stderr copied to LOG as they come, and times it. When the function named by
# TL_GUEST_ON_LINE exists, it is called with each console line as it arrives (in a subshell:
# leave results in files), e.g. to look at the host while the guest holds (tl.hold=).
# Sets TL_GUEST_STATUS (COMMAND's, 124 on timeout), TL_GUEST_REPLY_SECONDS (start to the first
# echo reply on the console; empty without one) and TL_GUEST_TOTAL_SECONDS.
# Usage: tl_guest_boot LOG TIMEOUT COMMAND...
tl_guest_boot() {
  local log=$1 timeout=$2
  shift 2
  local start end first_reply
  start=$EPOCHREALTIME
  : >"$log"
  rm -f "$log.reply"
  # QEMU stays in the foreground process group, so that Ctrl-C reaches it when run by hand.
  set +e
  timeout --foreground -k 5 "$timeout" "$@" </dev/null 2>&1 |
    while IFS= read -r line; do
      line=${line%$'\r'}
      printf '%s\n' "$line" >>"$log"
      case $line in
        *" bytes from "*) [ -e "$log.reply" ] || echo "$EPOCHREALTIME" >"$log.reply" ;;
      esac
      if [ -n "${TL_GUEST_ON_LINE:-}" ]; then "$TL_GUEST_ON_LINE" "$line"; fi
    done
  TL_GUEST_STATUS=${PIPESTATUS[0]}
  set -e
  end=$EPOCHREALTIME
  first_reply=$(cat "$log.reply" 2>/dev/null || true)
  rm -f "$log.reply"
  TL_GUEST_TOTAL_SECONDS=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')
  TL_GUEST_REPLY_SECONDS=""
  if [ -n "$first_reply" ]; then
    TL_GUEST_REPLY_SECONDS=$(awk -v s="$start" -v r="$first_reply" 'BEGIN { printf "%.2f", r - s }')
  fi
}

# Prints LOG (the console) and fails the test with MESSAGE.
# Usage: tl_guest_fail LOG MESSAGE
tl_guest_fail() {
  echo "----- console -----" >&2
  cat "$1" >&2
  echo "-------------------" >&2
  tl_fail "$2"
}

# Prints the value of FIELD in the guest's report line that starts with PREFIX (e.g.
# "queues iface=eth0 "), or fails the test when there is no such line.
# Usage: tl_guest_field LOG PREFIX FIELD
tl_guest_field() {
  local log=$1 prefix=$2 field=$3 line
  line=$(grep -m1 -F -- "TAPLAUNCH-GUEST: $prefix" "$log") || tl_guest_fail "$log" "the guest reported no '$prefix' line"
  line=" ${line#TAPLAUNCH-GUEST: } "
  [[ "$line" == *" $field="* ]] || tl_guest_fail "$log" "the guest's '$prefix' line has no $field="
  line=${line#* "$field="}
  echo "${line%% *}"
}
