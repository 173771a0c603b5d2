#!/usr/bin/env bash
# The order in which a TAP becomes a bridge port, proven from the kernel's link events rather
# than taplaunch's log: a real guest (QEMU with the test initramfs, or UML) is booted through
# taplaunch on br0 in a private network namespace while `ip -d -o monitor link` records every
# link event there, and must ping the bridge. port_order_check.py then reads the TAP's events:
# create, MAC, MTU, attach, port flags (isolated=on), and only then up; the TAP is never up
# before it is a port with its MAC, MTU and isolated flag. The NIC asks for mtu=1400, so that
# the MTU step shows as an event of its own.
#
# A control sequence of ip commands in the wrong order (up, then isolated on) must fail the
# same check, so the check can fail.
#
# Usage: port_order.sh TAPLAUNCH qemu|uml on|off [INITRAMFS]    (INITRAMFS for qemu)
set -euo pipefail
taplaunch=$1 kind=$2 isolated=$3 initramfs=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/netns.sh"
source "$here/../lib/qemu_guest.sh"
source "$here/../lib/link_monitor.sh"
source "$here/uml_guest.sh"

tl_require_root
case $kind in
  uml) uml_require ;;
  qemu)
    command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: no qemu-system-x86_64 (install qemu-system-x86)" >&2; exit 77; }
    if [ ! -f "$initramfs" ] || [ ! -f "$initramfs.kernel" ]; then
      echo "SKIP: no initramfs $initramfs (built by the guest.initramfs test)" >&2
      exit 77
    fi
    ;;
  *) echo "usage: port_order.sh TAPLAUNCH qemu|uml on|off [INITRAMFS]" >&2; exit 2 ;;
esac

tl_netns_create "order-$kind-$isolated"
work=$(mktemp -d)
trap 'tl_monitor_kill; rm -rf "$work"; tl_netns_cleanup' EXIT

tl_make_bridge br0 10.77.0.1/24
guest_mac=52:54:00:0d:e0:01
tap_mac=fe:54:00:0d:e0:01
events=$work/events
log=$work/console
nic="bridge=br0,mac=$guest_mac,ifname=tl-order,mtu=1400,isolated=$isolated"

tl_monitor_start "$events"
if [ "$kind" = qemu ]; then
  tl_set_runner "$(dirname "$(command -v qemu-system-x86_64)")"
  tl_guest_boot "$log" 90 "${TL_RUN[@]}" "$taplaunch" -v --nic "$nic" -- \
    qemu-system-x86_64 -nodefaults -no-user-config -display none -serial stdio -no-reboot \
    -m 256 -kernel "$(cat "$initramfs.kernel")" -initrd "$initramfs" \
    -append "console=ttyS0 quiet panic=-1 tl.ip=10.77.0.2/24 tl.peer=10.77.0.1"
  [ "$TL_GUEST_STATUS" -eq 0 ] || tl_guest_fail "$log" "taplaunch (QEMU) exited with status $TL_GUEST_STATUS"
  grep -qx "TAPLAUNCH-GUEST: result ok" "$log" || tl_guest_fail "$log" "the QEMU guest did not ping the bridge"
else
  UML_WRAPPER=("$taplaunch" -v --nic "$nic" --)
  # shellcheck disable=SC2046  # uml_boot_args prints words without spaces inside them
  if ! uml_boot "$log" $(uml_boot_args vec0); then
    cat "$log" >&2
    uml_report >&2
    tl_fail "the UML guest did not ping the bridge"
  fi
fi
tl_monitor_finish

if ! python3 "$here/port_order_check.py" "$events" tl-order "$tap_mac" 1400 "$isolated" >"$work/check"; then
  cat "$work/check" >&2
  tl_fail "the link events do not show taplaunch's order ($kind, isolated=$isolated)"
fi
cat "$work/check"
if [ "$isolated" = on ]; then
  grep -qF "nic 0: set port flags of tl-order on bridge br0: isolated on" "$log" \
    || tl_guest_fail "$log" "taplaunch did not log the port-flags step"
fi

# Control: up before the flag, by hand. The check must see it.
tl_monitor_start "$events"
ip -n "$TL_NS" tuntap add tl-order mode tap
ip -n "$TL_NS" link set tl-order address "$tap_mac"
ip -n "$TL_NS" link set tl-order mtu 1400
ip -n "$TL_NS" link set tl-order master br0
ip -n "$TL_NS" link set tl-order up
ip -n "$TL_NS" link set tl-order type bridge_slave isolated "$isolated"
sleep 0.2
ip -n "$TL_NS" link del tl-order
tl_monitor_finish
if [ "$isolated" = on ]; then
  python3 "$here/port_order_check.py" "$events" tl-order "$tap_mac" 1400 on >"$work/control" \
    && { cat "$work/control" >&2; tl_fail "control: the check passed a TAP that came up before it was isolated"; }
else
  # isolated=off has no flag step to misplace: the control brings the TAP up before its MTU.
  tl_monitor_start "$events"
  ip -n "$TL_NS" tuntap add tl-order mode tap
  ip -n "$TL_NS" link set tl-order address "$tap_mac"
  ip -n "$TL_NS" link set tl-order master br0
  ip -n "$TL_NS" link set tl-order up
  ip -n "$TL_NS" link set tl-order mtu 1400
  sleep 0.2
  ip -n "$TL_NS" link del tl-order
  tl_monitor_finish
  python3 "$here/port_order_check.py" "$events" tl-order "$tap_mac" 1400 off >"$work/control" \
    && { cat "$work/control" >&2; tl_fail "control: the check passed a TAP that came up before its MTU was set"; }
fi
echo "control: $(tail -n 1 "$work/control")"
echo "PASS ($kind, isolated=$isolated)"
