#!/usr/bin/env bash
# A real UML guest (Debian's user-mode-linux, the host's filesystem as a read-only root)
# booted through taplaunch in a private network namespace pings the bridge through every NIC,
# in the given transport's form, and receives TCP from the host through NIC 0 (iperf3 -R, 2 s):
# the vector transport drops the host's GSO frames without gro=1, which leaves that path
# below 1 Mbit/s, so the test asks for 20 (a working path gives hundreds or thousands). After the guest powers off, taplaunch's status is UML's (0)
# and no TAP is left: removed by the supervisor (tap, tuntap) or gone with UML's fd (fd).
#
# On a UML without the legacy transports (Linux 6.16+), tuntap checks the refusal instead.
#
# Usage: uml_ping.sh TAPLAUNCH TRANSPORT [NICS]    TRANSPORT: tap, tuntap or fd; NICS: 1 or 2
# NIC i is on bridge br<i> (10.(77+i).0.1/24), the guest at 10.(77+i).0.2.
set -euo pipefail
taplaunch=$1 transport=$2 nic_count=${3:-1}
source "$(dirname "$0")/../lib/uml_test.sh"

tl_uml_begin "uml-$transport-$nic_count" "$nic_count"
log=$TL_UML_LOG

# Linux 6.16 removed UML's legacy transports: on such a UML, taplaunch refuses tuntap at plan
# time (exit 2, one line naming tap as the way), before any TAP exists.
uml_version=$("$UML_BIN" --version)
IFS=. read -r uml_major uml_minor _ <<<"$uml_version"
if [ "$transport" = tuntap ] && { [ "$uml_major" -gt 6 ] || { [ "$uml_major" -eq 6 ] && [ "$uml_minor" -ge 16 ]; }; }; then
  status=0
  ip netns exec "$TL_NS" "$taplaunch" --uml-transport tuntap --nic bridge=br0 -- "$UML_BIN" \
    "uml_dir=$TL_UML_DIR" </dev/null >"$log" 2>"$log.err" || status=$?
  cat "$log.err"
  [ "$status" -eq 2 ] || tl_fail "tuntap on UML $uml_version: taplaunch exited $status, not 2"
  [ "$(wc -l <"$log.err")" -eq 1 ] || tl_fail "tuntap on UML $uml_version: more than one line"
  grep -qF -- "--uml-transport tuntap: UML $uml_version" "$log.err" || tl_fail "the refusal does not name UML $uml_version"
  grep -qF -- "use --uml-transport tap" "$log.err" || tl_fail "the refusal does not name tap as the way"
  [ ! -s "$log" ] || tl_fail "UML ran: $(cat "$log")"
  leftover=$(ip -n "$TL_NS" -o link show type tun)
  [ -z "$leftover" ] || tl_fail "a TAP was made: $leftover"
  echo "PASS (UML $uml_version has no tuntap transport: refused before any TAP, exit 2)"
  exit 0
fi

case $transport in
  tuntap) prefix=eth ;;
  *) prefix=vec ;;
esac
nic_args=() ifs=() macs=()
for ((i = 0; i < nic_count; i++)); do
  macs+=("52:54:00:3a:00:$(printf %02x $((i + 1)))")
  nic_args+=(--nic "bridge=br$i,mac=${macs[$i]}")
  ifs+=("$prefix$i")
done
ifs_list=$(IFS=,; echo "${ifs[*]}")

ip netns exec "$TL_NS" iperf3 -s -D -B 10.77.0.1 >/dev/null
UML_INIT_ARGS="tl.iperf=10.77.0.1 tl.iperf_time=2 tl.iperf_args=-R"
UML_WRAPPER=("$taplaunch" -v --uml-transport "$transport" "${nic_args[@]}" --)
# shellcheck disable=SC2046  # uml_boot_args prints words without spaces inside them
if ! uml_boot "$log" $(uml_boot_args "$ifs_list"); then
  cat "$log" >&2
  uml_report >&2
  tl_fail "the UML guest did not ping through taplaunch's TAPs ($transport, $nic_count NIC(s))"
fi
[ -z "$UML_LEFTOVER" ] || tl_fail "UML processes outlived the launch: $UML_LEFTOVER"

for ((i = 0; i < nic_count; i++)); do
  grep -qE "^TAPLAUNCH-GUEST: ping ok iface=${ifs[$i]} mac=${macs[$i]} " "$log" \
    || { cat "$log" >&2; tl_fail "no successful ping from ${ifs[$i]} with mac ${macs[$i]}"; }
  grep -qF "nic $i: set MAC of tap$i to fe:${macs[$i]#52:}" "$log" \
    || tl_fail "taplaunch did not give tap$i the MAC fe:${macs[$i]#52:}"
done
host_to_guest=$(sed -n 's/.*TAPLAUNCH-GUEST: iperf mbit_per_s=\([0-9]*\).*/\1/p' "$log")
[ -n "$host_to_guest" ] && [ "$host_to_guest" -ge 20 ] \
  || { cat "$log" >&2; tl_fail "host-to-guest TCP ran at ${host_to_guest:-?} Mbit/s through ${ifs[0]}"; }
if [ "$transport" = fd ]; then
  grep -q "^taplaunch: exec $UML_BIN" "$log" || tl_fail "the fd transport must exec UML"
  grep -q 'supervising' "$log" && tl_fail "the fd transport must not supervise"
else
  grep -q 'supervising' "$log" || tl_fail "the $transport transport must supervise"
  grep -q 'persistent, owned by uid 0' "$log" || tl_fail "the TAPs were not made persistent"
fi
leftover=$(ip -n "$TL_NS" -o link show type tun)
[ -z "$leftover" ] || tl_fail "TAPs left after the guest halted: $leftover"
echo "PASS ($transport, $nic_count NIC(s): host-to-guest ${host_to_guest} Mbit/s, done after ${UML_MARKER_SECONDS}s, exit after ${UML_EXIT_SECONDS}s)"
