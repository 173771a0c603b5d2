#!/usr/bin/env bash
# taplaunch doctor on bridges built to show each problem, in network namespaces: what it says,
# its exit status with --strict, and that each fix it prints, run as printed, makes the risk go
# (and, for netfilter, makes the dropped traffic pass).
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"
tl_netns_create doctor
source "$(dirname "$0")/common.sh"
tl_set_runner "$fake_bin"
started=$EPOCHREALTIME
peers=("$TL_NS-a" "$TL_NS-b")
supervisor="" holder=""
cleanup() {
  # shellcheck disable=SC2086
  kill -9 $supervisor $holder 2>/dev/null || true
  for peer in "${peers[@]}"; do ip netns del "$peer" 2>/dev/null || true; done
  rl_cleanup
}
trap cleanup EXIT
in_ns() { ip netns exec "$TL_NS" "$@"; }
checks=0

# doctor BRIDGE [--strict]: runs it; sets report and status.
doctor() {
  status=0
  report=$(in_ns "$taplaunch" doctor "$@" 2>&1) || status=$?
}
# has TEXT: the last report holds TEXT (a fixed string).
has() {
  grep -qF -- "$1" <<<"$report" || { echo "$report" >&2; tl_fail "doctor $bridge: no '$1'"; }
  checks=$((checks + 1))
}
# risks N: the report found N risks, and --strict says so.
risks() {
  local want
  if [ "$1" -eq 0 ]; then want="doctor: no risk found on bridge $bridge"; else want="doctor: $1 risk"; fi
  [ "$(tail -n 1 <<<"$report")" = "$want${2:-}" ] || [[ $1 -ne 0 && $(tail -n 1 <<<"$report") == "$want"* ]] \
    || { echo "$report" >&2; tl_fail "doctor $bridge: want $1 risk(s)"; }
  [ "$(grep -c '^risk: ' <<<"$report" || true)" -eq "$1" ] || { echo "$report" >&2; tl_fail "doctor $bridge: risk lines"; }
  [ "$(grep -c '^  fix: ' <<<"$report" || true)" -eq "$1" ] || { echo "$report" >&2; tl_fail "doctor $bridge: fix lines"; }
  local strict=0
  in_ns "$taplaunch" doctor "$bridge" --strict >/dev/null 2>&1 || strict=$?
  [ "$strict" -eq $(($1 > 0 ? 1 : 0)) ] || tl_fail "doctor $bridge --strict exited $strict with $1 risk(s)"
  checks=$((checks + 1))
}
# apply_fixes: runs every fix of the last report, as printed.
apply_fixes() {
  local fix
  while read -r fix; do
    in_ns sh -c "$fix" || tl_fail "doctor $bridge: the fix '$fix' failed"
  done < <(sed -n 's/^  fix: //p' <<<"$report")
}
# random_tap NAME FIRST-BYTE-ABOVE: a TAP made with ip tuntap whose random MAC's first byte is
# above the given one (hex).
random_tap() {
  local mac
  for _ in $(seq 200); do
    in_ns ip tuntap add "$1" mode tap
    mac=$(in_ns cat "/sys/class/net/$1/address")
    [ $((0x${mac%%:*})) -gt $((0x$2)) ] && return 0
    in_ns ip link del "$1"
  done
  tl_fail "no random MAC above $2:... in 200 TAPs"
}

# A bridge that follows a real uplink, with a UML guest's TAP (owner record) and a QEMU guest's
# (held open by the emulator): no risk.
bridge=br0
tl_make_bridge br0
TL_INSPECT_SLEEP=60 "${TL_RUN[@]}" "$taplaunch" --name web --nic bridge=br0,ifname=web0 -- linux >/dev/null &
supervisor=$!
TL_INSPECT_SLEEP=60 "${TL_RUN[@]}" "$taplaunch" --name db --nic bridge=br0,ifname=db0 -- qemu-system-x86_64 >/dev/null &
holder=$!
for _ in $(seq 100); do
  [ "$(ip -n "$TL_NS" -o link show up type tun | wc -l)" -eq 2 ] && break
  sleep 0.05
done
doctor br0
has "bridge br0: up, MAC $TL_UPLINK_MAC, MTU 1500"
has "  MAC: follows its lowest port's MAC (not set by hand); port br0-up holds it today"
has "  STP: off: a port forwards as soon as it joins"
has "  isolated ports: none"
has "  br0-up: veth, MAC $TL_UPLINK_MAC (set by hand), MTU 1500, up, forwarding"
has "  web0: tun, MAC fe:"
# (Until UML opens its TAP, the TAP has no carrier.)
has "(set by hand), MTU 1500, up"
has "; taplaunch TAP of guest web (MAC 52:54:00:"
has "), launched by pid $supervisor (running as "
has "  db0: tun, MAC fe:"
has "; taplaunch TAP of guest db (MAC 52:54:00:"
has "), launched by pid $holder (running as qemu-system-x86); open in pid $holder (qemu-system-x86)"
risks 0
# Isolation, where the kernel has it: listed, no risk.
in_ns ip link set web0 type bridge_slave isolated on
doctor br0
has "  isolated ports: web0 (they reach the bridge's other ports, never each other)"
has ", isolated; taplaunch TAP of guest web"
risks 0
# Run in the namespace without its sysfs (nsenter keeps the caller's /sys): netlink still
# reads every port; the MAC's origin is judged from the ports.
report=$(nsenter --net="/run/netns/$TL_NS" "$taplaunch" doctor br0)
has "  MAC: follows its lowest port's MAC (not set by hand) (sysfs shows another network namespace; judged from the ports); port br0-up holds it today"
has "  web0: tun, MAC fe:"
has "(origin unknown), MTU 1500, up"
kill "$supervisor" "$holder"
wait "$supervisor" "$holder" 2>/dev/null || true
supervisor="" holder=""

# A TAP with a MAC below the uplink's holds the bridge's MAC.
bridge=brh
TL_UPLINK_MAC=a0:36:9f:11:22:33 tl_make_bridge brh
in_ns ip tuntap add low0 mode tap
in_ns ip link set low0 address 02:00:00:00:00:01
in_ns ip link set low0 master brh
doctor brh
has "port low0 holds it today"
has "risk: MAC: bridge brh's MAC is that of port low0 (a TAP, MAC set by hand): when it leaves or its MAC changes, the bridge's MAC changes"
has "  fix: ip link set dev brh address a0:36:9f:11:22:33"
risks 1
apply_fixes
doctor brh
has "  MAC: set by hand: it stays a0:36:9f:11:22:33 whatever ports come and go"
risks 0

# A TAP with a random MAC above the uplink's: it could take it over (a random MAC sorts below
# a0:36:9f:... 63 % of the time); above 00:1b:21:... it cannot.
bridge=brc
TL_UPLINK_MAC=a0:36:9f:11:22:33 tl_make_bridge brc
random_tap rnd0 a2
in_ns ip link set rnd0 master brc
doctor brc
has "  MAC: follows its lowest port's MAC (not set by hand); port brc-up holds it today"
has "risk: MAC: port rnd0 (tun) could take the bridge's MAC over: its MAC"
has "was chosen at random by the kernel, and a port that joins with such a MAC takes the bridge's whenever it sorts below a0:36:9f:11:22:33 (63 % of them do)"
has "  rnd0: tun, MAC"
has "(chosen at random by the kernel)"
risks 1
apply_fixes
doctor brc
risks 0
bridge=brb
TL_UPLINK_MAC=00:1b:21:11:22:33 tl_make_bridge brb
random_tap rnd1 00
in_ns ip link set rnd1 master brb
doctor brb
has "  MAC: port rnd1 has a MAC the kernel chose at random, but no such MAC sorts below 00:1b:21:11:22:33: it cannot take the bridge's MAC over"
risks 0

# No port yet.
bridge=brn
in_ns ip link add brn type bridge
in_ns ip link set brn up
doctor brn
has "risk: MAC: bridge brn has no port and its MAC is not set by hand: the first port to join gives it its MAC"
risks 1
apply_fixes
doctor brn
risks 0

# Ports that disagree on the MTU.
bridge=brm
TL_UPLINK_MAC=a0:36:9f:11:22:34 tl_make_bridge brm
in_ns ip link add small0 mtu 1400 type veth peer name small0-peer
in_ns ip link set small0 address fe:00:00:00:00:01 master brm up
doctor brm
has "  MTU: 1400; the ports disagree (most have 1500)"
has "risk: MTU: port small0 has MTU 1400, the other ports 1500: frames longer than 1400 bytes are dropped between them, silently"
has "  fix: ip link set dev small0 mtu 1500"
risks 1
apply_fixes
doctor brm
has "  MTU: 1500, the same on every port"
risks 0

# STP on: a new port waits twice the forward delay; the port shows it listening.
bridge=brs
TL_UPLINK_MAC=a0:36:9f:11:22:35 tl_make_bridge brs
in_ns ip link set brs type bridge stp_state 1
in_ns ip link add late0 type veth peer name late0-peer
in_ns ip link set late0 address fe:00:00:00:00:02 master brs up
in_ns ip link set late0-peer up
doctor brs
has "  STP: on (run by the kernel), forward delay 15 s"
has "risk: STP: on with forward delay 15 s: a new port listens 15 s and learns 15 s before it forwards, so a guest waits 30 s for traffic after it boots"
has "  late0: veth, MAC fe:00:00:00:00:02 (set by hand), MTU 1500, up, listening"
has "  fix: ip link set dev brs type bridge stp_state 0"
risks 1
apply_fixes
doctor brs
has "  STP: off: a port forwards as soon as it joins"
risks 0

# The bridge down.
bridge=brdn
TL_UPLINK_MAC=a0:36:9f:11:22:36 tl_make_bridge brdn
in_ns ip link set brdn down
doctor brdn
has "bridge brdn: down,"
has "risk: down: bridge brdn is down: no frame crosses it"
risks 1
apply_fixes
doctor brdn
risks 0

# br_netfilter (built into this kernel, on in every new namespace) hands bridged IPv4 to a
# FORWARD chain whose policy is drop: two hosts on the bridge cannot reach each other. Each
# fix doctor prints lets their traffic through again: for nftables made by iptables-nft
# (Docker's), for legacy iptables, and for nftables' own bridge family.
bridge=brf
in_ns ip link add brf type bridge
in_ns ip link set brf address 02:00:00:00:00:0f up
for i in 0 1; do
  ip netns add "${peers[i]}"
  in_ns ip link add "brf-p$i" type veth peer name eth0 netns "${peers[i]}"
  in_ns ip link set "brf-p$i" master brf up
  ip -n "${peers[i]}" addr add "10.66.0.$((i + 2))/24" dev eth0
  ip -n "${peers[i]}" link set eth0 up
done
reaches() { ip netns exec "${peers[0]}" ping -c 1 -W 1 10.66.0.3 >/dev/null 2>&1; }
for _ in $(seq 50); do reaches && break; sleep 0.1; done
reaches || tl_fail "the peers on brf cannot reach each other to begin with"
if [ "$(in_ns cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null)" != 1 ] \
  || ! command -v iptables-nft >/dev/null || ! command -v iptables-legacy >/dev/null \
  || ! command -v nft >/dev/null; then
  echo "netfilter: skipped (needs br_netfilter on, iptables and nftables installed)"
else
  doctor brf
  has "  netfilter IPv4: br_netfilter hands brf's traffic to the FORWARD chains (net.bridge.bridge-nf-call-iptables = 1); there are none"
  risks 0
  for backend in nft legacy bridge; do
    case $backend in
      nft) in_ns iptables-nft -P FORWARD DROP; where="nft table ip filter chain FORWARD" ;;
      legacy) in_ns iptables-legacy -P FORWARD DROP; where="iptables-legacy chain FORWARD" ;;
      bridge) in_ns nft 'add table bridge brfilter; add chain bridge brfilter guests { type filter hook forward priority 0; policy drop; }'
              where="nft table bridge brfilter chain guests" ;;
    esac
    ! reaches || tl_fail "$backend: traffic still crosses brf with the drop policy"
    doctor brf
    if [ "$backend" = bridge ]; then
      has "risk: netfilter: frames across bridge brf go through $where, whose policy is drop, and no rule accepts them"
    else
      has "risk: netfilter: IPv4 traffic across bridge brf (guest to guest, guest to uplink) goes through $where, whose policy is drop (as Docker sets it), and no rule accepts it"
    fi
    risks 1
    if [ "$backend" = bridge ] && ! in_ns nft 'add table bridge probe; add chain bridge probe c; add rule bridge probe c meta ibrname "x" accept' 2>/dev/null; then
      # nft's bridge meta expressions are a module (nft_meta_bridge) this kernel lacks.
      has "  fix: nft insert rule bridge brfilter guests meta ibrname brf accept"
      in_ns nft delete table bridge brfilter
      echo "netfilter ($where): dropped brf's traffic, doctor found it; its fix (meta ibrname) needs nft_meta_bridge, which this kernel lacks"
      continue
    fi
    in_ns nft delete table bridge probe 2>/dev/null || true
    apply_fixes
    reaches || tl_fail "$backend: the fix doctor printed did not let the traffic through"
    doctor brf
    has "policy drop; accepted by: "
    risks 0
    echo "netfilter ($where): dropped brf's traffic, doctor found it, its fix let it through"
  done
fi
echo "PASS ($checks checks, $(rl_seconds_since "$started")s)"
