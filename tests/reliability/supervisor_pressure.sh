#!/usr/bin/env bash
# The supervisor under pressure, with the stand-in emulator:
# - it floods stdout and stderr (one pipe, read by another process) while SIGTERM arrives:
#   forwarded at once, taplaunch exits 143, its log lines are whole in the flood, no TAP left;
# - it ignores SIGTERM (and SIGINT): after forwarding, taplaunch waits --stop-timeout seconds,
#   sends SIGKILL, says so in one line, exits 137 and still removes every TAP; also while it
#   floods; the default wait is 10 s.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"
tl_netns_create pressure
source "$(dirname "$0")/common.sh"
tl_make_bridge br0
tl_set_runner "$fake_bin"
before=$(tl_link_state)
started=$EPOCHREALTIME

# start_supervised OUTPUT ENV... -- TAPLAUNCH-ARGS...: taplaunch in the background, stdout and
# stderr into one pipe, whose reader counts the bytes (OUTPUT.bytes) and keeps the lines that
# are not flood (OUTPUT); waits until the emulator runs. Sets PID.
start_supervised() {
  local output=$1
  shift
  local -a environment=()
  while [ "$1" != -- ]; do environment+=("$1"); shift; done
  shift
  env "${environment[@]}" "${TL_RUN[@]}" env --default-signal=INT "$taplaunch" -v "$@" \
    > >(tee >(wc -c >"$output.bytes") | grep -a --line-buffered -v '^x*$' >"$output") 2>&1 &
  PID=$!
  for _ in $(seq 200); do grep -aq '^pid=' "$output" 2>/dev/null && return 0; sleep 0.02; done
  cat "$output" >&2
  tl_fail "the emulator never started"
}

# finish SIGNAL WANT-STATUS: sends SIGNAL, waits; sets seconds to the time it took.
finish() {
  local sent=$EPOCHREALTIME status=0
  kill "-$1" "$PID"
  wait "$PID" || status=$?
  [ "$status" -eq "$2" ] || tl_fail "after SIG$1 taplaunch exited $status, want $2"
  seconds=$(rl_seconds_since "$sent")
}

# Flood while SIGTERM arrives.
out=$RL_DIR/flood.out
start_supervised "$out" TL_INSPECT_FLOOD=1 -- --nic bridge=br0 --nic bridge=br0 -- linux
sleep 0.5
finish TERM 143
sleep 0.2   # cat copies the rest
pid=$(sed -n 's/^pid=//p' "$out" | head -1)
for _ in $(seq 100); do [ -s "$out.bytes" ] && break; sleep 0.05; done
bytes=$(cat "$out.bytes")
grep -aqF "taplaunch: forwarding signal 15 to pid $pid"$'\n' "$out" || tl_fail "the forwarding line is not whole in the flood"
grep -aqF "taplaunch: linux exited with status 143"$'\n' "$out" \
  || grep -aqE "taplaunch: .*/linux exited with status 143"$'\n' "$out" || tl_fail "the exit line is not whole in the flood"
awk -v s="$seconds" 'BEGIN { exit !(s < 2) }' || tl_fail "SIGTERM during a flood took ${seconds}s"
rl_same_state "$before" || tl_fail "the flood left something behind"
echo "flood ($((bytes / 1048576)) MiB in 0.5 s) and SIGTERM: forwarded, taplaunch exited 143 after ${seconds}s, nothing left"

# The reader of the output goes away while the emulator floods: the emulator dies of SIGPIPE,
# and taplaunch, whose log lines now get EPIPE, still removes its persistent TAPs.
status=0
env TL_INSPECT_FLOOD=1 "${TL_RUN[@]}" "$taplaunch" -v --nic bridge=br0 --nic bridge=br0 -- linux 2>&1 \
  | head -c 100000 >/dev/null || status=$?
for _ in $(seq 100); do [ -z "$(ip netns pids "$TL_NS")" ] && break; sleep 0.05; done
rl_same_state "$before" || tl_fail "a supervisor whose output reader went away left something behind"
echo "the output's reader went away during a flood: the emulator died of SIGPIPE, the TAPs were removed"

# An emulator that ignores SIGTERM and SIGINT: SIGKILL after --stop-timeout.
for signal in TERM INT; do
  out=$RL_DIR/ignore.$signal
  start_supervised "$out" TL_INSPECT_IGNORE=1 TL_INSPECT_SLEEP=60 -- --stop-timeout 2 \
    --nic bridge=br0 --nic bridge=br0 -- linux
  for _ in $(seq 100); do grep -q '^ignoring=' "$out" && break; sleep 0.02; done
  finish "$signal" 137
  awk -v s="$seconds" 'BEGIN { exit !(s >= 2 && s < 4) }' || tl_fail "SIG$signal, --stop-timeout 2: SIGKILL after ${seconds}s"
  [ "$(grep -c '^taplaunch: .*still runs 2 s after SIGTERM or SIGINT: sending SIGKILL (--stop-timeout sets the wait)$' "$out")" -eq 1 ] \
    || { cat "$out" >&2; tl_fail "SIG$signal: no one line saying SIGKILL was sent"; }
  rl_same_state "$before" || tl_fail "SIG$signal to a supervisor of an emulator that ignores it left something behind"
  echo "emulator ignoring SIG$signal, --stop-timeout 2: SIGKILL, exit 137 after ${seconds}s, TAPs removed"
done

# Both: it floods and ignores SIGTERM (QEMU supervised, TAPs on fds).
out=$RL_DIR/both.out
start_supervised "$out" TL_INSPECT_IGNORE=1 TL_INSPECT_FLOOD=1 -- --supervise --stop-timeout 1 \
  --nic bridge=br0 -- qemu-system-x86_64
sleep 0.3
finish TERM 137
awk -v s="$seconds" 'BEGIN { exit !(s >= 1 && s < 3) }' || tl_fail "flood + ignored SIGTERM: SIGKILL after ${seconds}s"
rl_same_state "$before" || tl_fail "flood + ignored SIGTERM left something behind"
echo "flooding emulator ignoring SIGTERM, --stop-timeout 1: SIGKILL, exit 137 after ${seconds}s, nothing left"

# The default wait, as planned: 10 s.
json=$("${TL_RUN[@]}" "$taplaunch" --dry-run --json --nic bridge=br0 -- linux)
[ "$(python3 -c 'import json, sys; print(json.load(sys.stdin)["emulator"]["stop_timeout"])' <<<"$json")" = 10 ] \
  || tl_fail "the default --stop-timeout is not 10"
echo "PASS ($(rl_seconds_since "$started")s)"
