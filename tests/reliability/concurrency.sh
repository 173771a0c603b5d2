#!/usr/bin/env bash
# Many launches at once on one bridge:
# - 32 QEMU launches with template names: all succeed, with 32 distinct TAPs at the same time;
# - 16 QEMU launches with the same exact ifname: one succeeds, the other 15 fail with one line
#   saying the device already exists;
# - 16 supervised UML launches (persistent TAPs with owner records), then SIGTERM to all 16
#   supervisors together: each forwards it, its emulator ends, its TAP is removed;
# - 16 supervised UML launches with the same exact ifname: one succeeds.
# After each, `ip -d link` is exactly as before and nothing runs in the namespace.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"
tl_netns_create concurrency
source "$(dirname "$0")/common.sh"
tl_make_bridge br0
tl_set_runner "$fake_bin"
before=$(tl_link_state)
started=$EPOCHREALTIME

# The number of TAPs now (ip's dump is interrupted, and fails, while links change: again).
taps_now() {
  local list
  until list=$(ip -n "$TL_NS" -o link show type tun 2>/dev/null); do sleep 0.01; done
  grep -c . <<<"$list" || true
}
ifnames_of() {  # the TAP names the copies of $1 reported
  cat "$RL_DIR/$1"/out.* | sed -n 's/^tap fd=[0-9]* ifname=\([^ ]*\) .*/\1/p'
}

# 32 with template names; each guest its own name (its own default MAC), each holding its TAP
# for 3 s so that all exist together.
rl_start_together templates 32 env TL_INSPECT_SLEEP=3 "$taplaunch" --name g@I@ --nic bridge=br0 \
  -- qemu-system-x86_64
for _ in $(seq 100); do [ "$(taps_now)" -eq 32 ] && break; sleep 0.05; done
[ "$(taps_now)" -eq 32 ] || tl_fail "32 launches at once: $(taps_now) TAPs at the same time"
rl_wait_together templates
[ "$(rl_statuses templates 32)" = "     32 0" ] || { rl_statuses templates 32 >&2; cat "$RL_DIR"/templates/err.* >&2; tl_fail "not every launch succeeded"; }
[ "$(ifnames_of templates | sort -u | wc -l)" -eq 32 ] || tl_fail "32 launches did not get 32 distinct TAPs: $(ifnames_of templates | sort | tr '\n' ' ')"
rl_same_state "$before" || tl_fail "32 launches left something behind"
echo "32 launches at once: 32 distinct TAPs ($(ifnames_of templates | sort -V | head -1) .. $(ifnames_of templates | sort -V | tail -1)); nothing left"

# 16 with the same exact name: the winner holds it 3 s.
rl_start_together same 16 env TL_INSPECT_SLEEP=3 "$taplaunch" --name s@I@ --nic bridge=br0,ifname=same0 \
  -- qemu-system-x86_64
rl_wait_together same
statuses=$(rl_statuses same 16)
[ "$(awk '$2 == 0 {print $1}' <<<"$statuses")" = 1 ] || { echo "$statuses" >&2; tl_fail "16 launches with one ifname: not exactly one succeeded"; }
failures=0 exit1=0 exit2=0
for i in $(seq 0 15); do
  status=$(cat "$RL_DIR/same/status.$i")
  [ "$status" -ne 0 ] || continue
  rl_one_line "$RL_DIR/same/err.$i" "^taplaunch: .*device 'same0' already exists" \
    || { cat "$RL_DIR/same/err.$i" >&2; tl_fail "copy $i failed without one 'already exists' line"; }
  failures=$((failures + 1))
  [ "$status" -eq 1 ] && exit1=$((exit1 + 1))
  [ "$status" -eq 2 ] && exit2=$((exit2 + 1))
done
[ $((exit1 + exit2)) -eq 15 ] || tl_fail "the failures exited with other statuses than 1 and 2"
rl_same_state "$before" || tl_fail "16 launches with one ifname left something behind"
echo "16 launches with one ifname: 1 succeeded, 15 failed with one 'already exists' line ($exit2 found it at plan time, exit 2; $exit1 at creation, exit 1); nothing left"

# 16 supervised UML launches, then SIGTERM to all of them together.
rl_start_together uml 16 env TL_INSPECT_SLEEP=60 "$taplaunch" --name u@I@ --nic bridge=br0,ifname=uml%d \
  -- linux mem=64M
for _ in $(seq 200); do [ "$(cat "$RL_DIR"/uml/out.* | grep -c '^pid=')" -eq 16 ] && break; sleep 0.05; done
[ "$(cat "$RL_DIR"/uml/out.* | grep -c '^pid=')" -eq 16 ] || tl_fail "not all 16 UML emulators started"
[ "$(ip -n "$TL_NS" -d link show type tun | grep -c 'alias taplaunch pid=')" -eq 16 ] \
  || tl_fail "16 supervised launches: not 16 TAPs with owner records"
uml_taps=$(ip -n "$TL_NS" -o link show type tun | awk -F': ' '{print $2}' | sort -u | wc -l)
supervisors=$(cat "$RL_DIR"/uml/pid.* | tr '\n' ' ')
stop_started=$EPOCHREALTIME
# shellcheck disable=SC2086
kill -TERM $supervisors
rl_wait_together uml
stop_seconds=$(rl_seconds_since "$stop_started")
[ "$(rl_statuses uml 16)" = "     16 143" ] || { rl_statuses uml 16 >&2; tl_fail "after SIGTERM the supervisors did not all exit 143"; }
for i in $(seq 0 15); do
  [ ! -s "$RL_DIR/uml/err.$i" ] || { cat "$RL_DIR/uml/err.$i" >&2; tl_fail "supervisor $i complained"; }
done
rl_same_state "$before" || tl_fail "16 supervised launches left something behind after SIGTERM"
echo "16 supervised UML launches at once: $uml_taps distinct persistent TAPs; SIGTERM to all 16: all exited 143, nothing left after ${stop_seconds}s"

# 16 supervised UML launches with the same exact name.
rl_start_together umlsame 16 env TL_INSPECT_SLEEP=3 "$taplaunch" --name v@I@ --nic bridge=br0,ifname=umlsame0 \
  -- linux
rl_wait_together umlsame
statuses=$(rl_statuses umlsame 16)
[ "$(awk '$2 == 0 {print $1}' <<<"$statuses")" = 1 ] || { echo "$statuses" >&2; tl_fail "16 UML launches with one ifname: not exactly one succeeded"; }
for i in $(seq 0 15); do
  [ "$(cat "$RL_DIR/umlsame/status.$i")" -eq 0 ] && continue
  rl_one_line "$RL_DIR/umlsame/err.$i" "^taplaunch: .*device 'umlsame0' already exists" \
    || { cat "$RL_DIR/umlsame/err.$i" >&2; tl_fail "UML copy $i failed without one 'already exists' line"; }
done
rl_same_state "$before" || tl_fail "16 UML launches with one ifname left something behind"
echo "16 supervised UML launches with one ifname: 1 succeeded, 15 failed with one 'already exists' line; nothing left"
echo "PASS ($(rl_seconds_since "$started")s)"
