#!/usr/bin/env bash
# QEMU's way of giving up root, behind `taplaunch --`, on whichever QEMU is installed. QEMU 10
# replaced -runas and -chroot with -run-with, which QEMU 7.2's table does not know, so
# taplaunch reads the command line with the options the installed QEMU lists in its -help
# (cached in $XDG_CACHE_HOME/taplaunch, a fresh directory here).
#
# - A QEMU that has -run-with (10.0 and later): --dry-run says the options came from that
#   QEMU's -help; `-run-with user=nobody -nic bridge,...` boots a real guest (TCG) whose QEMU
#   runs as nobody once started and still passes traffic, on the TAP fd it inherited;
#   --dry-run refuses -runas in one line that names -run-with (a real run leaves -runas, which
#   QEMU 7.2's table knows, to QEMU, which stops at it).
# - A QEMU without it (7.2): `-run-with user=nobody` is refused in one line that names the
#   option and the way (-runas), exit 2, with no TAP made; `-runas nobody` boots the same
#   guest, which passes traffic.
#
# Usage: qemu_run_with.sh TAPLAUNCH INITRAMFS
set -euo pipefail
taplaunch=$1 initramfs=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/netns.sh"
source "$here/../lib/qemu_guest.sh"

tl_require_root
qemu=$(command -v qemu-system-x86_64) || { echo "SKIP: no qemu-system-x86_64 (install qemu-system-x86)" >&2; exit 77; }
if [ ! -f "$initramfs" ] || [ ! -f "$initramfs.kernel" ]; then
  echo "SKIP: no initramfs $initramfs (built by its fixture test)" >&2
  exit 77
fi
id nobody >/dev/null 2>&1 || { echo "SKIP: no user nobody" >&2; exit 77; }
kernel=$(cat "$initramfs.kernel")
qemu_version=$("$qemu" --version | sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p')
if "$qemu" -help | grep -q '^-run-with '; then has_run_with=yes; else has_run_with=no; fi
echo "QEMU $qemu_version ($qemu), -run-with: $has_run_with"

tl_netns_create "run-with"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"; tl_netns_cleanup' EXIT
tl_make_bridge br0 10.77.0.1/24
tl_set_runner "$(dirname "$qemu")"
export XDG_CACHE_HOME=$scratch/cache
log=$scratch/console.log
mac=52:54:00:4d:01:01
name=runwith-$$

# The guest, with the privilege-dropping option(s) given as arguments.
guest_command() {
  command=("$taplaunch" -v -- qemu-system-x86_64 -name "$name" -machine pc -nodefaults
    -no-user-config -display none -serial stdio -no-reboot -m 256 -kernel "$kernel"
    -initrd "$initramfs" "$@" -nic "bridge,br=br0,model=virtio-net-pci,mac=$mac"
    -append "console=ttyS0 quiet panic=-1 tl.ip=10.77.0.2/24 tl.peer=10.77.0.1")
}

# Which user QEMU runs as while the guest reports (it gives up root before the guest starts).
record_qemu_user() {
  case $1 in
    "TAPLAUNCH-GUEST: "*)
      [ -s "$scratch/qemu-user" ] && return
      local pid
      pid=$(pgrep -n -f -- "-name $name ") || return 0  # the newest: QEMU, not timeout
      ps -o user= -p "$pid" >"$scratch/qemu-user" || true
      ;;
  esac
}

# Boots the guest with the given options and checks that it passed traffic as nobody.
boot_as_nobody() {
  guest_command "$@"
  echo "running: $(printf '%q ' "${command[@]}")"
  rm -f "$scratch/qemu-user"
  TL_GUEST_ON_LINE=record_qemu_user tl_guest_boot "$log" "${TL_GUEST_TIMEOUT:-90}" "${TL_RUN[@]}" "${command[@]}"
  cat "$log"
  [ "$TL_GUEST_STATUS" -ne 124 ] || tl_guest_fail "$log" "the guest did not finish in time ($*)"
  [ "$TL_GUEST_STATUS" -eq 0 ] || tl_guest_fail "$log" "taplaunch (QEMU) exited with status $TL_GUEST_STATUS ($*)"
  grep -qx "TAPLAUNCH-GUEST: result ok" "$log" || tl_guest_fail "$log" "the guest did not report 'result ok' ($*)"
  [ "$(tl_guest_field "$log" "ping ok " mac)" = "$mac" ] || tl_guest_fail "$log" "the guest's MAC is not $mac"
  local user
  user=$(tr -d ' ' <"$scratch/qemu-user" 2>/dev/null || true)
  [ "$user" = nobody ] || tl_fail "QEMU ran the guest as '${user:-?}', not nobody ($*)"
  local leftover
  leftover=$(ip -n "$TL_NS" -o link show type tun)
  [ -z "$leftover" ] || tl_fail "TAP(s) left after QEMU exited: $leftover"
}

# Runs the guest command with the given options (a real run, or with "dry-run" its --dry-run)
# and checks that taplaunch refuses it in one line holding each further argument, before any
# TAP exists.
expect_refusal() {
  local how=$1 options=$2
  shift 2
  # shellcheck disable=SC2086  # the options are words without spaces
  guest_command $options
  [ "$how" = run ] || command=("${command[0]}" --dry-run "${command[@]:2}")
  local status=0
  "${TL_RUN[@]}" "${command[@]}" >"$scratch/out" 2>"$scratch/err" </dev/null || status=$?
  cat "$scratch/err"
  [ "$status" -eq 2 ] || tl_fail "taplaunch exited $status, not 2, for $options"
  [ "$(wc -l <"$scratch/err")" -eq 1 ] || tl_fail "taplaunch said more than one line for $options"
  local expected
  for expected in "$@"; do
    grep -qF -- "$expected" "$scratch/err" || tl_fail "the refusal of $options does not say '$expected'"
  done
  [ -z "$(ip -n "$TL_NS" -o link show type tun)" ] || tl_fail "a TAP was made for $options"
}

if [ "$has_run_with" = yes ]; then
  guest_command -run-with user=nobody
  plan=$("${TL_RUN[@]}" "${command[0]}" --dry-run "${command[@]:2}") || tl_fail "the dry run failed"
  grep -qxF "QEMU options: $qemu -help (QEMU $qemu_version)" <<<"$plan" \
    || { echo "$plan" >&2; tl_fail "the dry run does not say it read $qemu -help"; }
  ls "$XDG_CACHE_HOME"/taplaunch/qemu-system-x86_64.*.qemu-options >/dev/null \
    || tl_fail "no cache entry in $XDG_CACHE_HOME/taplaunch"
  json=$("${TL_RUN[@]}" "${command[0]}" --dry-run --json "${command[@]:2}") || tl_fail "the JSON dry run failed"
  python3 -c 'import json,sys; o=json.load(sys.stdin)["emulator"]["qemu_options"]; assert o["source"] == "help" and o["qemu_version"] == sys.argv[1], o' \
    "$qemu_version" <<<"$json" || tl_fail "the JSON plan does not say the options came from the binary"
  boot_as_nobody -run-with user=nobody
  # -runas is in QEMU 7.2's table, so a real run asks nothing and QEMU itself stops at it;
  # --dry-run asks the binary and says so.
  expect_refusal dry-run "-runas nobody" "(-runas)" "not an option of QEMU $qemu_version" "use -run-with user=USER instead"
  echo "PASS (QEMU $qemu_version: -run-with user=nobody passed traffic; --dry-run refused -runas)"
else
  expect_refusal run "-run-with user=nobody" "(-run-with)" "not an option of QEMU $qemu_version" \
    "use -runas USER and -chroot DIR instead"
  boot_as_nobody -runas nobody
  echo "PASS (QEMU $qemu_version: -run-with refused; -runas nobody passed traffic)"
fi
