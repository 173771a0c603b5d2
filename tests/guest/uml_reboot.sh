#!/usr/bin/env bash
# A UML guest that reboots itself (`reboot -f` in the guest: UML re-executes itself with the
# same PID) comes back with working networking through taplaunch's default form, the vector
# driver's tap transport: it pings the bridge on both boots, then powers off, and taplaunch
# ends with UML's status 0 and no TAP left. For contrast the same run with taplaunch's UML
# reboot adapter missing: the rebooted UML finds its TAP held by the fd of its first boot
# ("uml_tap: failed to select tap interface") and its ping fails.
# Usage: uml_reboot.sh TAPLAUNCH
set -euo pipefail
taplaunch=$1
source "$(dirname "$0")/../lib/uml_test.sh"

tl_uml_begin uml-reboot
# A command that ends the test through errexit names itself and its line, so that no failure
# is silent.
set -o errtrace
trap 'echo "uml_reboot.sh: line $LINENO: \"$BASH_COMMAND\" failed (status $?)" >&2' ERR
work=$TL_UML_DIR log=$TL_UML_LOG flag=$TL_UML_DIR/power-off-now

# boot_twice TAPLAUNCH PING_WAIT: boots a guest that reboots until $flag exists; creates
# $flag once the first boot has reported, so the second boot powers off.
boot_twice() {
  rm -f "$flag"
  UML_WRAPPER=("$1" -v --name reboot --nic bridge=br0,mac=52:54:00:3a:00:01 --)
  # shellcheck disable=SC2046
  uml_start "$log" $(UML_INIT_ARGS="tl.halt=reboot tl.reboot_until=$flag tl.count=1 tl.wait=$2" uml_boot_args vec0)
  uml_wait_marker || { cat "$log" >&2; uml_wait_exit 2; tl_fail "the first boot never reported"; }
  touch "$flag"
  uml_wait_exit 60
  [ "$(grep -ac 'TAPLAUNCH-GUEST: result' "$log")" -eq 2 ] \
    || { cat "$log" >&2; tl_fail "want exactly two boots, each reporting once"; }
  # UML's console and taplaunch's log share the file: the line may not start at a line start.
  [ "$(grep -ac 'taplaunch: started .* as pid ' "$log")" -eq 1 ] \
    || { cat "$log" >&2; tl_fail "taplaunch started UML more than once"; }
  [ -z "$(ip -n "$TL_NS" -o link show type tun)" ] || tl_fail "TAPs left after the guest powered off"
}

started=$EPOCHREALTIME
boot_twice "$taplaunch" 20
[ "$UML_STATUS" -eq 0 ] || { cat "$log" >&2; tl_fail "taplaunch exited $UML_STATUS after the second boot's power-off"; }
[ "$(grep -ac 'TAPLAUNCH-GUEST: ping ok iface=vec0 mac=52:54:00:3a:00:01 ' "$log")" -eq 2 ] \
  || { cat "$log" >&2; tl_fail "the guest did not ping on both boots"; }
grep -aq 'uml_tap: failed' "$log" && { cat "$log" >&2; tl_fail "UML could not attach its TAP"; }
grep -q '^taplaunch: preload .*taplaunch-uml-reboot.so into UML' "$log" \
  || { cat "$log" >&2; tl_fail "taplaunch did not preload its reboot adapter"; }
seconds=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
echo "reboot: the guest pinged on both boots (${seconds}s)"

# Contrast: the binary alone (with the XSTATE adapter this host may need, without the reboot
# adapter), found nowhere else.
mkdir "$work/bin"
cp "$taplaunch" "$work/bin/"
xstate=$(dirname "$taplaunch")/taplaunch-uml-xstate.so
[ ! -e "$xstate" ] || cp "$xstate" "$work/bin/"
boot_twice "$work/bin/taplaunch" 3
if ! grep -q "note: taplaunch's UML reboot adapter is not installed" "$log"; then
  echo "contrast skipped: an installed reboot adapter was found"
else
  grep -aq 'uml_tap: failed to select tap interface' "$log" \
    || { cat "$log" >&2; tl_fail "contrast: the rebooted UML attached its TAP without the adapter"; }
  [ "$(grep -ac 'TAPLAUNCH-GUEST: ping ok' "$log")" -eq 1 ] \
    || { cat "$log" >&2; tl_fail "contrast: want a ping on the first boot only"; }
  echo "contrast: without the adapter the rebooted guest's TAP was busy and its ping failed"
fi
echo "PASS"
