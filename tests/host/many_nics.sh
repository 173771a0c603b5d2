#!/usr/bin/env bash
# Many NICs in one launch: each phase's link changes go to the kernel as netlink batches, and
# every acknowledgement must reach taplaunch, however many the socket's receive buffer holds
# at once. 512 persistent TAPs (UML's form, which the supervisor removes as one group) on one
# bridge: every TAP has its 0xFE MAC, its owner record, the bridge as master and is up while
# the guest runs; none is left afterwards.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"

tl_netns_create many
tl_make_bridge br0
tl_set_runner "$fake_bin"
report=$(mktemp)
trap 'rm -f "$report" "$report.log"; tl_netns_cleanup' EXIT

count=512
nics=()
for i in $(seq 0 $((count - 1))); do nics+=(--nic "bridge=br0,ifname=m$i"); done

launch_and_check() {  # launch_and_check LABEL: 512 NICs, checked while the guest runs, then stopped
  local label=$1
  : >"$report"
  TL_INSPECT_SLEEP=60 "${TL_RUN[@]}" "$taplaunch" "${nics[@]}" -- linux >"$report" 2>"$report.log" &
  local supervisor=$!
  local tries
  for tries in $(seq 300); do
    grep -q '^pid=' "$report" && break
    kill -0 "$supervisor" 2>/dev/null || break
    sleep 0.1
  done
  grep -q '^pid=' "$report" || { cat "$report.log" >&2; tl_fail "$label: the guest never started with $count NICs"; }
  local links
  links=$(ip -n "$TL_NS" -o link show type tun)
  [ "$(grep -c . <<<"$links")" -eq "$count" ] || tl_fail "$label: not $count TAPs: $(grep -c . <<<"$links")"
  # Up (IFF_UP) and attached; no carrier, as the stand-in does not open the TAP as UML would.
  [ "$(grep -cE ',UP> .* master br0 ' <<<"$links")" -eq "$count" ] \
    || tl_fail "$label: not every TAP is attached and up"
  [ "$(grep -c 'link/ether fe:' <<<"$links")" -eq "$count" ] || tl_fail "$label: not every TAP has its 0xFE MAC"
  [ "$(ip -n "$TL_NS" -d -o link show type tun | grep -c 'alias taplaunch pid=')" -eq "$count" ] \
    || tl_fail "$label: not every TAP has its owner record"
  kill -TERM "$supervisor"
  wait "$supervisor" || true
  if ip -n "$TL_NS" -o link show type tun | grep -q .; then
    cat "$report.log" >&2
    tl_fail "$label: TAPs outlived the supervisor"
  fi
}

launch_and_check "first launch"
# Again in the same namespace: the sequence numbers and the socket's buffer start afresh.
launch_and_check "second launch"
