#!/usr/bin/env bash
# MACs that would clash are refused before anything changes, exit 2, one line naming what
# collides: two NICs of one launch whose TAPs would carry one MAC, and, on a real bridge, a
# TAP MAC that is the guest MAC of a guest already running there (read from the owner record
# on that guest's TAP).
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"

tl_netns_create macs
tl_make_bridge br0
tl_set_runner "$fake_bin"

# expect_refusal PATTERN ARGS...: exit 2, one line on stderr matching PATTERN, host unchanged.
expect_refusal() {
  local pattern=$1
  shift
  local before after status errors
  before=$(tl_link_state)
  set +e
  errors=$("${TL_RUN[@]}" "$taplaunch" "$@" 2>&1 >/dev/null)
  status=$?
  set -e
  after=$(tl_link_state)
  [ "$status" -eq 2 ] || tl_fail "$* exited $status, not 2: $errors"
  [ "$(wc -l <<<"$errors")" -eq 1 ] || tl_fail "$* printed more than one line: $errors"
  grep -qF -- "$pattern" <<<"$errors" || tl_fail "$* said '$errors', not '$pattern'"
  [ "$before" = "$after" ] || tl_fail "$* changed the host"
}

# Within one launch: guest MACs that differ only in the first byte give one TAP MAC.
expect_refusal "nic 1: TAP MAC fe:54:00:12:34:56 is nic 0's TAP MAC too" \
  --nic bridge=br0,mac=52:54:00:12:34:56 --nic bridge=br0,mac=02:54:00:12:34:56 \
  -- qemu-system-x86_64
# fe:... and fa:...: each TAP would carry the other guest's MAC.
expect_refusal "nic 1: TAP MAC fe:54:00:00:00:01 is nic 0's guest MAC" \
  --nic bridge=br0,mac=fe:54:00:00:00:01 --nic bridge=br0,mac=fa:54:00:00:00:01 \
  -- qemu-system-x86_64

# A guest with mac=fe:54:00:00:00:01 runs on br0 (its TAP carries fa:54:00:00:00:01).
TL_INSPECT_SLEEP=60 "${TL_RUN[@]}" "$taplaunch" --name db \
  --nic bridge=br0,mac=fe:54:00:00:00:01,ifname=db0 -- qemu-system-x86_64 >/dev/null &
running=$!
for _ in $(seq 100); do
  ip -n "$TL_NS" link show db0 2>/dev/null | grep -q '[<,]UP[,>].* master br0' && break
  sleep 0.1
done
ip -n "$TL_NS" link show db0 | grep -q 'master br0' || tl_fail "the first guest's TAP is not on br0"

# A second launch whose TAP MAC would be the first guest's own MAC.
expect_refusal "nic 0: TAP MAC fe:54:00:00:00:01 is taken on bridge br0: it is the guest MAC of guest db behind port db0" \
  --nic bridge=br0,mac=02:54:00:00:00:01 -- qemu-system-x86_64
# The same guest MAC again: its TAP MAC is on the bridge already.
expect_refusal "port db0 (the TAP of guest db" \
  --nic bridge=br0,mac=fe:54:00:00:00:01 -- qemu-system-x86_64

kill "$running" 2>/dev/null || true
wait "$running" 2>/dev/null || true
echo "PASS: clashing MACs are refused, within a launch and against the guests on the bridge"
