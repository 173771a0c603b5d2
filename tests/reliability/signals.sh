#!/usr/bin/env bash
# SIGINT and SIGTERM arriving during set-up, at every pause point a launch has (before each
# step of each of two NICs, and just before the hand-off; TAPLAUNCH_TEST_PAUSE stops
# taplaunch there and the signal is sent while it is stopped, so it lands in that window):
# - exec mode (QEMU): the signal ends taplaunch (status 128+N) and nothing is left;
# - supervise mode (UML with persistent TAPs, QEMU with --supervise): the signal is held,
#   forwarded to the emulator once it runs, the emulator (which would otherwise sleep 30 s)
#   dies of it, taplaunch exits 128+N and removes its TAPs.
# Either way `ip -d link` ends exactly as before and no process is left.
# RL_SIGNALS (default "INT TERM") chooses the signals.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/test_pause.sh"
tl_netns_create signals
source "$(dirname "$0")/common.sh"
tl_make_bridge br0
tl_set_runner "$fake_bin"
before=$(tl_link_state)
started=$EPOCHREALTIME
runs=0

# pause_points PERSISTENT: every pause point of a launch with two NICs.
pause_points() {
  local nic step
  for nic in 0 1; do
    for step in create $([ "$1" = yes ] && echo record_owner make_persistent) set_mac set_mtu attach up; do
      echo "nic$nic:$step"
    done
  done
  echo handoff
}

# signal_at MODE POINT SIGNAL TAPLAUNCH-ARGS...
signal_at() {
  local mode=$1 point=$2 signal=$3
  shift 3
  local errors=$RL_DIR/err output=$RL_DIR/out status=0 pid number
  number=$(kill -l "$signal")
  # A background job of a script starts with SIGINT ignored: restore it.
  TAPLAUNCH_TEST_PAUSE=$point TL_INSPECT_SLEEP=30 "${TL_RUN[@]}" env --default-signal=INT \
    "$taplaunch" -v "$@" >"$output" 2>"$errors" &
  pid=$!
  tl_wait_paused "$pid" || { cat "$errors" >&2; tl_fail "$mode: never paused at $point"; }
  local sent=$EPOCHREALTIME
  kill "-$signal" "$pid"
  kill -CONT "$pid"
  wait "$pid" || status=$?
  local seconds
  seconds=$(rl_seconds_since "$sent")
  [ "$status" -eq $((128 + number)) ] || { cat "$errors" >&2; tl_fail "$mode, $signal at $point: exit $status, want $((128 + number))"; }
  if [ "$mode" = exec ]; then
    grep -q '^pid=' "$output" && tl_fail "$mode, $signal at $point: the emulator ran"
  else
    # (It may die of the signal before it has printed anything.)
    grep -q '^taplaunch: started .* as pid [0-9]*; supervising$' "$errors" \
      || { cat "$errors" >&2; tl_fail "$mode, $signal at $point: the emulator never started"; }
    grep -q "^taplaunch: forwarding signal $number to pid " "$errors" \
      || { cat "$errors" >&2; tl_fail "$mode, $signal at $point: the signal was not forwarded"; }
    awk -v s="$seconds" 'BEGIN { exit !(s < 10) }' || tl_fail "$mode, $signal at $point: took ${seconds}s"
  fi
  rl_same_state "$before" || tl_fail "$mode, $signal at $point: ip -d link is not as before"
  runs=$((runs + 1))
}

for signal in ${RL_SIGNALS:-INT TERM}; do
  for point in $(pause_points no); do
    signal_at exec "$point" "$signal" --nic bridge=br0 --nic bridge=br0 -- qemu-system-x86_64
    signal_at supervise-qemu "$point" "$signal" --supervise --nic bridge=br0 --nic bridge=br0 -- qemu-system-x86_64
  done
  for point in $(pause_points yes); do
    signal_at supervise-uml "$point" "$signal" --nic bridge=br0 --nic bridge=br0 -- linux
  done
done
echo "PASS ($runs signals, each at one pause point; $(rl_seconds_since "$started")s)"
