#!/usr/bin/env bash
# Faults during a launch, each ending with one line on stderr naming the problem, a non-zero
# exit status, and `ip -d link` exactly as before (no device of ours, no process left):
# - the bridge deleted between two steps of set-up (TAPLAUNCH_TEST_PAUSE stops taplaunch
#   there), for QEMU (TAPs on fds) and UML (persistent TAPs); and deleted while 24 launches
#   are under way;
# - a device of the requested name created between planning and creation;
# - /dev/net/tun missing (hidden in a private mount namespace);
# - CAP_NET_ADMIN missing (capsh --drop);
# - the emulator missing, not executable, or removed just before the hand-off;
# - a low limit of open files (ulimit -n 3 to 12): each launch works or fails cleanly; a
#   supervised QEMU that fails to place its fds in the child never runs.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/test_pause.sh"
tl_netns_create faults
source "$(dirname "$0")/common.sh"
tl_make_bridge br0
tl_set_runner "$fake_bin"
before=$(tl_link_state)
started=$EPOCHREALTIME
cases=0

# check_outcome NAME STATUS ERRFILE WANT-REGEX: a failure with exactly one line matching
# WANT-REGEX on stderr (WANT-REGEX "ok": success, nothing on stderr), and the state as before.
check_outcome() {
  local name=$1 status=$2 errors=$3 want=$4
  if [ "$want" = ok ]; then
    [ "$status" -eq 0 ] || { cat "$errors" >&2; tl_fail "$name: exit $status, want success"; }
  else
    [ "$status" -ne 0 ] || tl_fail "$name: succeeded, want a failure matching /$want/"
    [ "$status" -lt 128 ] || { cat "$errors" >&2; tl_fail "$name: died of signal $((status - 128))"; }
    rl_one_line "$errors" "$want" || { echo "stderr:" >&2; cat "$errors" >&2; tl_fail "$name: not one line matching /$want/"; }
  fi
  rl_same_state "$before" || tl_fail "$name: ip -d link is not as before, or a process is left"
  cases=$((cases + 1))
  echo "ok: $name -> $status${want:+: $( [ "$want" = ok ] || head -c 160 "$errors")}"
}

# run_paused NAME PAUSE ACTION WANT-REGEX TAPLAUNCH-ARGS...: runs taplaunch in the background
# with TAPLAUNCH_TEST_PAUSE=PAUSE, waits until it has stopped there, runs ACTION (a shell
# command), continues it, runs $RL_UNDO (what undoes ACTION, if anything) once it has ended,
# and checks the outcome.
run_paused() {
  local name=$1 pause=$2 action=$3 want=$4
  shift 4
  local errors=$RL_DIR/err status=0 pid
  TAPLAUNCH_TEST_PAUSE=$pause "${TL_RUN[@]}" "$taplaunch" "$@" >/dev/null 2>"$errors" &
  pid=$!
  tl_wait_paused "$pid" || { kill -9 "$pid" 2>/dev/null || true; cat "$errors" >&2; tl_fail "$name: never paused at $pause"; }
  eval "$action"
  kill -CONT "$pid"
  wait "$pid" || status=$?
  eval "${RL_UNDO:-}"
  check_outcome "$name" "$status" "$errors" "$want"
}

# run_plain NAME WANT-REGEX WRAPPER... :: TAPLAUNCH-ARGS...: taplaunch run through WRAPPER.
run_plain() {
  local name=$1 want=$2
  shift 2
  local -a wrapper=()
  while [ "$1" != :: ]; do wrapper+=("$1"); shift; done
  shift
  local errors=$RL_DIR/err status=0
  "${TL_RUN[@]}" "${wrapper[@]}" "$taplaunch" "$@" >/dev/null 2>"$errors" || status=$?
  check_outcome "$name" "$status" "$errors" "$want"
}

# The bridge deleted between two steps: the next step that needs it fails, and what was made
# is undone. Steps go phase by phase (every NIC's MAC, then every NIC's attach), so the first
# attach to fail is NIC 0's. Bridge brx (no uplink) exists only during each case.
for emulator in qemu-system-x86_64 linux; do
  for step in set_mac attach; do
    ip -n "$TL_NS" link add brx type bridge
    run_paused "$emulator: bridge deleted before $step" "nic1:$step" "ip -n $TL_NS link del brx" \
      "^taplaunch: nic 0: attach tap0 to bridge brx failed: .*bridge brx is gone" \
      --nic bridge=brx --nic bridge=brx -- "$emulator"
  done
done
# Deleted once the TAPs are attached: the launch works (ports just leave the bridge), and its
# TAPs go when it ends.
ip -n "$TL_NS" link add brx type bridge
run_paused "qemu: bridge deleted before up" nic0:up "ip -n $TL_NS link del brx" ok \
  --nic bridge=brx -- qemu-system-x86_64
ip -n "$TL_NS" link add brx type bridge
run_paused "uml: bridge deleted at the hand-off" handoff "ip -n $TL_NS link del brx" ok \
  --nic bridge=brx -- linux

# Deleted while 24 launches (12 QEMU, 12 supervised UML) are under way.
ip -n "$TL_NS" link add brx type bridge
ip -n "$TL_NS" link set brx up
# shellcheck disable=SC2016  # the inner bash expands
rl_start_together churn 24 env TL_INSPECT_SLEEP=1 bash -c \
  'if [ $(($1 % 2)) -eq 0 ]; then emulator=qemu-system-x86_64; else emulator=linux; fi
   exec "$0" --name "c$1" --nic bridge=brx --nic bridge=brx -- "$emulator"' "$taplaunch" @I@
sleep 0.05
ip -n "$TL_NS" link del brx
rl_wait_together churn
worked=0 failed=0
for i in $(seq 0 23); do
  status=$(cat "$RL_DIR/churn/status.$i")
  if [ "$status" -eq 0 ]; then
    worked=$((worked + 1))
  else
    rl_one_line "$RL_DIR/churn/err.$i" "^taplaunch: nic [01]: (bridge 'brx' does not exist|attach tap[0-9]+ to bridge brx failed: .*bridge brx is gone)" \
      || { cat "$RL_DIR/churn/err.$i" >&2; tl_fail "churn launch $i: not one line naming the bridge"; }
    failed=$((failed + 1))
  fi
done
rl_same_state "$before" || tl_fail "launches under way when the bridge went left something behind"
cases=$((cases + 1))
echo "ok: bridge deleted while 24 launches were under way: $worked worked, $failed failed with one line each; nothing left"

# A device of the requested name appears between planning and creation: TUNSETIFF with
# IFF_TUN_EXCL refuses it, and NIC 0's TAP is undone.
RL_UNDO="ip -n $TL_NS link del late0" run_paused "qemu: ifname taken after planning" nic1:create "ip -n $TL_NS link add late0 type veth peer name late0-peer" \
  "^taplaunch: nic 1: create TAP late0 .* failed: TUNSETIFF: Device or resource busy: device 'late0' already exists" \
  --nic bridge=br0 --nic bridge=br0,ifname=late0 -- qemu-system-x86_64
RL_UNDO="ip -n $TL_NS link del late0" run_paused "uml: ifname taken after planning" nic1:create "ip -n $TL_NS tuntap add late0 mode tap" \
  "^taplaunch: nic 1: create TAP late0 .* failed: TUNSETIFF: Device or resource busy: device 'late0' already exists" \
  --nic bridge=br0 --nic bridge=br0,ifname=late0 -- linux

# /dev/net/tun missing: a tmpfs over /dev/net in a private mount namespace hides it (the
# host's /dev is untouched: nothing propagates out of a private namespace).
hide_tun=(unshare --mount --propagation private sh -c 'mount -t tmpfs none /dev/net && exec "$@"' hide-tun)
run_plain "qemu: /dev/net/tun missing" \
  "^taplaunch: cannot open /dev/net/tun: No such file or directory \(load the TUN driver" \
  "${hide_tun[@]}" :: --nic bridge=br0 -- qemu-system-x86_64
run_plain "uml: /dev/net/tun missing" \
  "^taplaunch: .*cannot open /dev/net/tun: No such file or directory \(load the TUN driver" \
  "${hide_tun[@]}" :: --nic bridge=br0 -- linux

# CAP_NET_ADMIN missing: capsh drops it from the bounding set, so the exec'd taplaunch (root)
# runs without it.
drop_net_admin=(capsh --drop=cap_net_admin -- -c 'exec "$0" "$@"')
run_plain "qemu: no CAP_NET_ADMIN" \
  "^taplaunch: nic 0: create TAP tap%d .* failed: TUNSETIFF: Operation not permitted \(creating a TAP needs CAP_NET_ADMIN" \
  "${drop_net_admin[@]}" :: --nic bridge=br0 -- qemu-system-x86_64
run_plain "uml: no CAP_NET_ADMIN" \
  "^taplaunch: nic 0: create TAP tap%d .* failed: TUNSETIFF: Operation not permitted \(creating a TAP needs CAP_NET_ADMIN" \
  "${drop_net_admin[@]}" :: --nic bridge=br0 --nic bridge=br0 -- linux

# The emulator missing or not executable, found at planning or only at the hand-off.
printf '#!/bin/sh\nexit 0\n' >"$RL_DIR/qemu-system-x86_64"
chmod 0644 "$RL_DIR/qemu-system-x86_64"
cp "$RL_DIR/qemu-system-x86_64" "$RL_DIR/linux"
run_plain "qemu: emulator missing" "^taplaunch: emulator 'qemu-system-nowhere' not found in PATH" \
  :: --nic bridge=br0 -- qemu-system-nowhere
run_plain "qemu: emulator not executable" "^taplaunch: emulator '$RL_DIR/qemu-system-x86_64' not found or not executable" \
  :: --nic bridge=br0 -- "$RL_DIR/qemu-system-x86_64"
run_plain "uml: emulator not executable" "^taplaunch: emulator '$RL_DIR/linux' not found or not executable" \
  :: --nic bridge=br0 -- "$RL_DIR/linux"
chmod 0755 "$RL_DIR/qemu-system-x86_64" "$RL_DIR/linux"
run_paused "qemu: emulator removed before the hand-off" handoff "rm $RL_DIR/qemu-system-x86_64" \
  "^taplaunch: exec $RL_DIR/qemu-system-x86_64: No such file or directory" \
  --nic bridge=br0 --nic bridge=br0 -- "$RL_DIR/qemu-system-x86_64"
run_paused "uml: emulator made unexecutable before the hand-off" handoff "chmod 0644 $RL_DIR/linux" \
  "^taplaunch: start $RL_DIR/linux: .*Permission denied" \
  --nic bridge=br0 --nic bridge=br0 -- "$RL_DIR/linux"

# A low limit of open files: every launch works or fails with one line. Below 4 the dynamic
# loader itself cannot start taplaunch (status 127, its own one line).
outcomes=""
for limit in 3 4 5 6 7 8 9 10 11 12; do
  for emulator in qemu-system-x86_64 linux; do
    errors=$RL_DIR/err status=0
    "${TL_RUN[@]}" bash -c 'ulimit -n "$1"; shift; exec "$@"' limit "$limit" "$taplaunch" \
      --nic bridge=br0 --nic bridge=br0 --nic bridge=br0 -- "$emulator" >/dev/null 2>"$errors" || status=$?
    if [ "$status" -eq 127 ]; then
      [ "$limit" -lt 4 ] && rl_one_line "$errors" "error while loading shared libraries: .*Error 24" \
        || { cat "$errors" >&2; tl_fail "ulimit -n $limit, $emulator: exit 127"; }
      rl_same_state "$before" || tl_fail "ulimit -n $limit: state changed"
      cases=$((cases + 1))
    elif [ "$status" -eq 0 ]; then
      check_outcome "ulimit -n $limit, $emulator" 0 "$errors" ok >/dev/null
    else
      check_outcome "ulimit -n $limit, $emulator" "$status" "$errors" \
        "^taplaunch: .*(Too many open files|No file descriptors available).*(ulimit -n|raise the limit)" >/dev/null
    fi
    outcomes+="$limit/${emulator%%-*}:$status "
  done
done
echo "ok: ulimit -n 3..12 with 3 NICs (limit/emulator:status): $outcomes"

# A supervised QEMU under a low limit: where placing its TAP fds fails in the child (between
# fork and exec), the emulator must not run, and the error says so in one line.
outcomes=""
for limit in 8 9 10 11 12 13 14 15 16; do
  errors=$RL_DIR/err report=$RL_DIR/report status=0
  "${TL_RUN[@]}" bash -c 'ulimit -n "$1"; shift; exec "$@"' limit "$limit" "$taplaunch" --supervise \
    --nic bridge=br0 --nic bridge=br0 --nic bridge=br0 -- qemu-system-x86_64 >"$report" 2>"$errors" || status=$?
  if [ "$status" -eq 0 ]; then
    check_outcome "ulimit -n $limit, supervised qemu" 0 "$errors" ok >/dev/null
  else
    check_outcome "ulimit -n $limit, supervised qemu" "$status" "$errors" \
      "^taplaunch: .*Too many open files.*(ulimit -n|raise the limit)" >/dev/null
    [ ! -s "$report" ] || { cat "$errors" "$report" >&2; tl_fail "ulimit -n $limit: the emulator ran after its start failed"; }
  fi
  outcomes+="$limit:$status "
done
echo "ok: ulimit -n 8..16, 3 NICs, supervised QEMU (limit:status): $outcomes"
echo "PASS ($cases cases, $(rl_seconds_since "$started")s)"
