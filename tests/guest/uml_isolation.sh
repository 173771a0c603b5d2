#!/usr/bin/env bash
# Bridge port isolation on real guests: three UML guests booted through taplaunch at once on
# one bridge (br0, 10.77.0.1/24, with a veth uplink) in a private network namespace.
#
#   A 10.77.0.2  --nic ...,isolated=MODE      B 10.77.0.3  --nic ...,isolated=MODE
#   C 10.77.0.4  --nic ... (never isolated)
#
# Every guest pings the bridge's address and C; C pings A and B. With MODE=on, A and B must
# not reach each other: each sends echo requests to the other for 4 s and must get no reply.
# With MODE=off they must reach each other: the same harness, whose checks therefore can
# fail. Before A and B look for silence, the host pings all three guests and only then serves
# the "ready" URL every guest waits for (tl.await), and every guest stays up until all three
# have reported: a silent peer is a peer that was up. While they run, the host reads each
# port's isolated flag back from the kernel (ip -d link). Afterwards no TAP and no UML process
# is left.
#
# Usage: uml_isolation.sh TAPLAUNCH on|off
set -euo pipefail
taplaunch=$1 mode=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/netns.sh"
source "$here/uml_guest.sh"

case $mode in on | off) ;; *) echo "usage: uml_isolation.sh TAPLAUNCH on|off" >&2; exit 2 ;; esac
uml_require
tl_netns_create "iso-$mode"
work=$(mktemp -d)
guests=(a b c)
declare -A pid=() log=() run_dir=() address=() peers=() nopeers=() isolated=()

stop_guests() {
  local guest
  for guest in "${guests[@]}"; do
    [ -n "${pid[$guest]:-}" ] || continue
    UML_PID=${pid[$guest]} UML_RUN_DIR=${run_dir[$guest]}
    uml_stop TERM
    uml_wait_exit 10
    [ -z "$UML_LEFTOVER" ] || echo "FAIL: guest $guest left UML processes: $UML_LEFTOVER" >&2
    pid[$guest]=""
  done
}
trap 'stop_guests; rm -rf "$work"; tl_netns_cleanup' EXIT

fail() {
  local guest
  for guest in "${guests[@]}"; do
    echo "----- guest $guest (${address[$guest]}) -----" >&2
    [ -n "${log[$guest]:-}" ] && cat "${log[$guest]}" >&2
  done
  tl_fail "$*"
}

tl_make_bridge br0 10.77.0.1/24
mkdir "$work/www"
ip netns exec "$TL_NS" busybox httpd -f -p 8080 -h "$work/www" </dev/null >/dev/null 2>&1 &
disown   # killed with the namespace's other processes on exit
ready_url=http://10.77.0.1:8080/ready

address=([a]=10.77.0.2 [b]=10.77.0.3 [c]=10.77.0.4)
isolated=([a]=$mode [b]=$mode [c]=off)
if [ "$mode" = on ]; then
  peers=([a]=10.77.0.1+10.77.0.4 [b]=10.77.0.1+10.77.0.4)
  nopeers=([a]=10.77.0.3 [b]=10.77.0.2 [c]="")
else
  peers=([a]=10.77.0.1+10.77.0.4+10.77.0.3 [b]=10.77.0.1+10.77.0.4+10.77.0.2)
  nopeers=([a]="" [b]="" [c]="")
fi
peers[c]=10.77.0.1+10.77.0.2+10.77.0.3

start=$EPOCHREALTIME
for index in "${!guests[@]}"; do
  guest=${guests[$index]}
  log[$guest]=$work/$guest.log
  UML_WRAPPER=("$taplaunch" -v --name "iso-$guest"
    --nic "bridge=br0,mac=52:54:00:15:00:0$((index + 2)),ifname=tl-$guest,isolated=${isolated[$guest]}" --)
  UML_INIT_ARGS="tl.halt=none tl.await=$ready_url${nopeers[$guest]:+ tl.nopeer=${nopeers[$guest]}}"
  # shellcheck disable=SC2046  # uml_boot_args prints words without spaces inside them
  uml_start "${log[$guest]}" $(uml_boot_args vec0 "${address[$guest]}/24" "${peers[$guest]}")
  pid[$guest]=$UML_PID run_dir[$guest]=$UML_RUN_DIR
done

# The host reaches every guest through the bridge device, isolated or not.
for guest in "${guests[@]}"; do
  reached=0
  for _ in $(seq 600); do
    if ip netns exec "$TL_NS" ping -q -c 1 -W 1 "${address[$guest]}" >/dev/null 2>&1; then
      reached=1
      break
    fi
    sleep 0.1
  done
  [ "$reached" = 1 ] || fail "the host cannot ping guest $guest at ${address[$guest]}"
done
up_seconds=$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.2f", e - s }')

# The kernel's view of each port while the guests run.
for guest in "${guests[@]}"; do
  details=$(ip -n "$TL_NS" -d link show "tl-$guest") || fail "no TAP tl-$guest while guest $guest runs"
  [[ "$details" == *" master br0 "* ]] || fail "tl-$guest is not on br0: $details"
  [[ "$details" == *" isolated ${isolated[$guest]} "* ]] \
    || fail "the kernel shows tl-$guest without 'isolated ${isolated[$guest]}': $details"
done
touch "$work/www/ready"

# Every guest reports once it has done its checks, then stays up until it is stopped.
deadline=$((${EPOCHREALTIME%.*} + 90))
for guest in "${guests[@]}"; do
  until grep -aq 'TAPLAUNCH-GUEST: result' "${log[$guest]}"; do
    [ "${EPOCHREALTIME%.*}" -lt "$deadline" ] || fail "guest $guest reported no result within 90 s"
    kill -0 "${pid[$guest]}" 2>/dev/null || fail "guest $guest (taplaunch) exited before its result"
    sleep 0.1
  done
done
done_seconds=$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.2f", e - s }')
stop_guests

expect() {  # expect GUEST LINE-PREFIX
  grep -aq "^TAPLAUNCH-GUEST: $2" "${log[$1]}" || fail "guest $1 has no line 'TAPLAUNCH-GUEST: $2'"
}
refuse() {  # refuse GUEST LINE-PREFIX
  ! grep -aq "^TAPLAUNCH-GUEST: $2" "${log[$1]}" || fail "guest $1 reported 'TAPLAUNCH-GUEST: $2'"
}
for guest in "${guests[@]}"; do
  expect "$guest" "result ok"
  expect "$guest" "await ok url=$ready_url"
  IFS=+ read -r -a list <<<"${peers[$guest]}"
  for peer in "${list[@]}"; do
    expect "$guest" "ping ok iface=vec0 mac=52:54:00:15:00:0[2-4] addr=${address[$guest]}/24 peer=$peer "
  done
  grep -qF "nic 0: attach tl-$guest to bridge br0" "${log[$guest]}" || fail "taplaunch did not attach tl-$guest"
done
if [ "$mode" = on ]; then
  expect a "noreply ok iface=vec0 addr=10.77.0.2/24 peer=10.77.0.3 "
  expect b "noreply ok iface=vec0 addr=10.77.0.3/24 peer=10.77.0.2 "
  for guest in a b; do
    grep -qF "nic 0: set port flags of tl-$guest on bridge br0: isolated on" "${log[$guest]}" \
      || fail "taplaunch did not log the port-flags step for tl-$guest"
  done
else
  refuse a "noreply"
  refuse b "noreply"
fi
refuse c "noreply"
grep -qF "set port flags" "${log[c]}" && fail "the non-isolated guest C got a port-flags step"

leftover=$(ip -n "$TL_NS" -o link show type tun)
[ -z "$leftover" ] || fail "TAPs left after the guests stopped: $leftover"
echo "PASS (isolated=$mode: all guests answered the host after ${up_seconds}s, all reported after ${done_seconds}s)"
