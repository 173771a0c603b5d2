# Shared by the launch-cost sections, which run inside the bench's network namespace with its
# bridge br0. Set by bench/launch_cost.sh (and passed through `ip netns exec`):
#   BENCH_PROGRAMS   the bench's built programs (launch_timer, tap_floor, ...)
#   BENCH_SCRIPTS    this directory
#   BENCH_TAPLAUNCH  the taplaunch under test
#   BENCH_VARIANTS   more taplaunch builds, "LABEL=PATH LABEL=PATH ..." (may be empty)
#   BENCH_HELPER     qemu-bridge-helper
#   BENCH_RAW        where the sections write their raw CSV
#   BENCH_ROUNDS     rounds of each measurement
set -euo pipefail

bench_bridge=br0
bench_qemu=$BENCH_PROGRAMS/emulators/qemu-system-x86_64
bench_uml=$BENCH_PROGRAMS/emulators/linux

bench_fail() {
  echo "launch_cost: $*" >&2
  exit 1
}

# Removes the TAPs a launch left (the shell way's are persistent; an exec'd emulator's went with
# it) and waits until no TUN device is left, so that the kernel's teardown of one sample never
# overlaps the next.
bench_clear_taps() {
  local names tries=0
  names=$(ip -o link show type tun | awk -F': ' '{ print $2 }')
  if [ -n "$names" ]; then
    # shellcheck disable=SC2086
    printf 'link del %s\n' $names | ip -force -batch - 2>/dev/null || true
  fi
  while [ -n "$(ip -o link show type tun)" ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 3000 ] || bench_fail "TAPs still there after 30 s: $(ip -o link show type tun)"
    sleep 0.01
  done
}

# bench_command WAY COUNT [EMULATOR]: sets the array bench_argv to the command that launches
# EMULATOR (default: the stand-in under QEMU's name) with COUNT NICs on the bridge, WAY's way.
# WAY: bare, taplaunch, taplaunch-lock-ip (every NIC with lock=ip and an address of its own),
# shell, qemu-bridge-helper, floor, floor-batched, or a variant's LABEL.
bench_command() {
  local way=$1 count=$2 emulator=${3:-$bench_qemu} variant i
  local nics=()
  for ((i = 0; i < count; i++)); do nics+=(--nic "bridge=$bench_bridge"); done
  case $way in
    bare) bench_argv=("$emulator") ;;
    taplaunch) bench_argv=("$BENCH_TAPLAUNCH" "${nics[@]}" -- "$emulator") ;;
    taplaunch-lock-ip)
      nics=()
      for ((i = 0; i < count; i++)); do
        nics+=(--nic "bridge=$bench_bridge,lock=ip,ip=10.$((i / 250)).$((i % 250 + 1)).2+fd00::$((i + 1))")
      done
      bench_argv=("$BENCH_TAPLAUNCH" "${nics[@]}" -- "$emulator") ;;
    shell) bench_argv=(/bin/sh "$BENCH_SCRIPTS/shell_launch.sh" "$count" "$bench_bridge" -- "$emulator") ;;
    qemu-bridge-helper)
      bench_argv=("$BENCH_PROGRAMS/bridge_helper_launch" "$BENCH_HELPER" "$count" "$bench_bridge" -- "$emulator") ;;
    floor) bench_argv=("$BENCH_PROGRAMS/tap_floor" "$count" "$bench_bridge" -- "$emulator") ;;
    floor-batched) bench_argv=("$BENCH_PROGRAMS/tap_floor" --batch "$count" "$bench_bridge" -- "$emulator") ;;
    *)
      for variant in $BENCH_VARIANTS; do
        if [ "${variant%%=*}" = "$way" ]; then
          bench_argv=("${variant#*=}" "${nics[@]}" -- "$emulator")
          return 0
        fi
      done
      bench_fail "unknown way '$way'" ;;
  esac
}

# bench_variant_labels: the labels of BENCH_VARIANTS, one per word.
bench_variant_labels() {
  local variant
  for variant in $BENCH_VARIANTS; do printf '%s ' "${variant%%=*}"; done
}

# bench_value KEY LINE: the value of KEY in a line of key=value pairs.
bench_value() {
  local pair
  for pair in $2; do
    [ "${pair%%=*}" = "$1" ] && { echo "${pair#*=}"; return 0; }
  done
  bench_fail "no $1 in: $2"
}
