#!/usr/bin/env bash
# Boots a real UML guest on TAPs made by hand (no taplaunch) in a private network namespace
# and checks that it pings the bridge through each: the reference the launcher's UML support
# is measured against, and a check that this machine can run the UML guest tests at all.
#
# Usage: uml_manual_taps.sh FORM [iperf|iperf-reverse]
#   FORM  tap      vec0:transport=tap,ifname=TAP,mac=...        persistent TAP, UML opens it
#         tap-gro  the same with gro=1 (takes the GSO frames the host sends: host-to-guest TCP)
#         tuntap   eth0=tuntap,TAP,MAC                          persistent TAP, legacy driver
#         fd       vec0:transport=fd,fd=3,mac=...,vec=0         TAP fd inherited on fd 3
#         two      vec0 on br0 and vec1 on br1 (transport=tap)  two NICs, two bridges
#         two-fd   vec0 and vec1 on fds 3 and 4                 two NICs, two bridges
#   iperf          also run iperf3 (4 s) from the guest to a server on br0's address
#   iperf-reverse  the same with -R: the server sends, the guest receives
# NIC i: bridge br<i> 10.(77+i).0.1/24, guest 10.(77+i).0.2, guest MAC 52:54:00:12:34:5<6+i>,
# TAP MAC fe:54:00:12:34:5<6+i> (set before the TAP joins the bridge).
# Exit: 0 pass, 1 fail, 77 skip (not root, no UML).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
form=${1:?usage: uml_manual_taps.sh tap|tap-gro|tuntap|fd|two|two-fd [iperf|iperf-reverse]}
with_iperf=${2:-}
source "$here/../lib/uml_test.sh"

case $form in
  two | two-fd) nics=2 ;;
  tap | tap-gro | tuntap | fd) nics=1 ;;
  *) tl_fail "unknown form $form" ;;
esac
tl_uml_begin "uml-$form" "$nics"
log=$TL_UML_LOG
iperf_pid=""
tl_uml_on_exit '[ -z "$iperf_pid" ] || kill "$iperf_pid" 2>/dev/null || true'

ifnames="" nic_args=() tap_specs=()
for ((i = 0; i < nics; i++)); do
  guest_mac=52:54:00:12:34:5$((6 + i))
  tap_mac=fe:54:00:12:34:5$((6 + i))
  tap=tltap$i
  case $form in
    tap | tap-gro | two | tuntap)
      # Persistent, as taplaunch makes it for UML: MAC first, then the bridge, then up.
      ip -n "$TL_NS" tuntap add "$tap" mode tap
      ip -n "$TL_NS" link set "$tap" address "$tap_mac"
      ip -n "$TL_NS" link set "$tap" master "br$i"
      ip -n "$TL_NS" link set "$tap" up
      ;;
  esac
  case $form in
    tap | two) ifname=vec$i nic_args+=("vec$i:transport=tap,ifname=$tap,mac=$guest_mac") ;;
    tap-gro) ifname=vec$i nic_args+=("vec$i:transport=tap,ifname=$tap,mac=$guest_mac,gro=1") ;;
    tuntap) ifname=eth$i nic_args+=("eth$i=tuntap,$tap,$guest_mac") ;;
    fd | two-fd)
      ifname=vec$i
      nic_args+=("vec$i:transport=fd,fd=$((3 + i)),mac=$guest_mac,vec=0")
      tap_specs+=(--tap "name=$tap,fd=$((3 + i)),mac=$tap_mac,bridge=br$i")
      ;;
  esac
  ifnames+="${ifnames:+,}$ifname"
done

UML_WRAPPER=()
if [ ${#tap_specs[@]} -gt 0 ]; then
  UML_WRAPPER=(python3 "$here/tap_fd_exec.py" "${tap_specs[@]}" --)
fi
case $with_iperf in
  iperf | iperf-reverse)
    command -v iperf3 >/dev/null || { echo "SKIP: no iperf3" >&2; exit 77; }
    tl_in_ns iperf3 -s -1 -B 10.77.0.1 >"$log.iperf" 2>&1 &
    iperf_pid=$!
    UML_INIT_ARGS="tl.iperf=10.77.0.1 tl.iperf_time=4 ${UML_INIT_ARGS:-}"
    [ "$with_iperf" = iperf ] || UML_INIT_ARGS+=" tl.iperf_args=-R"
    ;;
  "") ;;
  *) tl_fail "unknown option $with_iperf" ;;
esac

read -r -a boot_args <<<"$(uml_boot_args "$ifnames")"
echo "running: ${UML_WRAPPER[*]} $UML_BIN ${boot_args[*]} ${nic_args[*]} uml_dir=DIR"
status=0
uml_boot "$log" "${boot_args[@]}" "${nic_args[@]}" || status=$?
uml_report
if [ "$status" -ne 0 ]; then
  echo "----- console -----" >&2
  cat "$log" >&2
  tl_fail "form $form: the guest did not report 'result ok' with status 0"
fi
[ -z "$UML_LEFTOVER" ] || tl_fail "UML left processes behind after a clean power-off: $UML_LEFTOVER"
for ((i = 0; i < nics; i++)); do
  n=$(grep -c "TAPLAUNCH-GUEST: ping ok iface=$(echo "$ifnames" | cut -d, -f$((i + 1))) " "$log" || true)
  [ "$n" -eq 1 ] || tl_fail "no 'ping ok' for NIC $i"
  # The bridge learnt the guest's MAC on its TAP.
  tl_in_ns ip neigh show dev "br$i" | grep -q "52:54:00:12:34:5$((6 + i))" ||
    tl_fail "br$i has no neighbour entry with the guest's MAC"
done
case $form in
  fd | two-fd)
    # The TAPs lived on the fds only: gone with UML.
    for ((i = 0; i < nics; i++)); do
      if ip -n "$TL_NS" link show "tltap$i" >/dev/null 2>&1; then tl_fail "tltap$i outlived UML"; fi
    done
    ;;
esac
echo "PASS: form $form, guest result at ${UML_MARKER_SECONDS}s, UML exited at ${UML_EXIT_SECONDS}s"
