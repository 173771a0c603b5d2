#!/usr/bin/env bash
# Supervise mode with a stand-in emulator: taplaunch stays the parent, passes the TAP fds,
# returns the emulator's status (128+N for signal N), forwards SIGTERM, and removes its TAPs
# however the emulator ends. UML-named emulators get persistent TAPs carrying an owner record.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/test_pause.sh"

tl_netns_create supervise
tl_make_bridge br0
tl_set_runner "$fake_bin"
report=$(mktemp)
trap 'rm -f "$report"; tl_netns_cleanup' EXIT

no_taps_left() {
  local left
  left=$(ip -n "$TL_NS" -o link show type tun)
  [ -z "$left" ] || { echo "$left" >&2; tl_fail "TAPs left behind: $1"; }
}

run_status() {  # run_status ENV... -- prints taplaunch's exit status
  local status=0
  env "$@" "${TL_RUN[@]}" "$taplaunch" --supervise --nic bridge=br0 -- qemu-system-x86_64 \
    >"$report" || status=$?
  echo "$status"
}

# The fds reach a supervised QEMU just as they reach an exec'd one, under another PID.
[ "$(run_status TL_INSPECT_EXIT=0)" -eq 0 ] || tl_fail "supervised run failed"
grep -Eq '^tap fd=3 ifname=tap0 tap=1 no_pi=1 vnet_hdr=1 persist=0 cloexec=0 mac=fe:.* master=br0 up=1$' "$report" \
  || { cat "$report" >&2; tl_fail "supervised QEMU did not get its TAP"; }
grep -q '^fds=0,1,2,3$' "$report" || { cat "$report" >&2; tl_fail "supervised QEMU inherited more"; }
no_taps_left "after a clean exit"

status=$(run_status TL_INSPECT_EXIT=7)
[ "$status" -eq 7 ] || tl_fail "emulator exited 7, taplaunch $status"
no_taps_left "after exit 7"

status=$(run_status TL_INSPECT_SIGNAL=9)
[ "$status" -eq 137 ] || tl_fail "emulator killed by SIGKILL, taplaunch exited $status (want 137)"
no_taps_left "after the emulator's SIGKILL"

# SIGTERM to the supervisor reaches the emulator (which dies of it: 143) and the TAPs go.
# The report is emptied here, not by the background job's redirection, which may come after
# the loop below has read an earlier run's report.
: >"$report"
TL_INSPECT_SLEEP=30 "${TL_RUN[@]}" "$taplaunch" --supervise --nic bridge=br0 --nic bridge=br0 \
  -- qemu-system-x86_64 >"$report" &
supervisor=$!
for _ in $(seq 50); do grep -q '^pid=' "$report" && break; sleep 0.1; done
emulator=$(sed -n 's/^pid=//p' "$report")
[ -n "$emulator" ] && [ "$emulator" != "$supervisor" ] || tl_fail "no separate emulator process"
[ "$(ip -n "$TL_NS" -o link show type tun | wc -l)" -eq 2 ] || tl_fail "TAPs missing while running"
started=$(date +%s%N)
kill -TERM "$supervisor"
status=0; wait "$supervisor" || status=$?
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
[ "$status" -eq 143 ] || tl_fail "after SIGTERM taplaunch exited $status (want 143)"
kill -0 "$emulator" 2>/dev/null && tl_fail "the emulator outlived its supervisor"
no_taps_left "after SIGTERM"
[ "$elapsed_ms" -lt 5000 ] || tl_fail "SIGTERM took ${elapsed_ms} ms"

# A UML-named emulator: persistent TAPs owned by --owner, with the owner record, no fd passed.
: >"$report"
TL_INSPECT_SLEEP=30 "${TL_RUN[@]}" "$taplaunch" --owner 65534 --name umlguest --nic bridge=br0,ifname=uml%d \
  -- linux mem=64M >"$report" &
supervisor=$!
for _ in $(seq 50); do grep -q '^pid=' "$report" && break; sleep 0.1; done
grep -q '^argv=mem=64M vec0:transport=tap,ifname=uml0,mac=52:54:00:' "$report" \
  || { cat "$report" >&2; tl_fail "UML argv wrong"; }
grep -q '^fds=0,1,2$' "$report" || { cat "$report" >&2; tl_fail "UML by name must inherit no TAP fd"; }
details=$(ip -n "$TL_NS" -d link show uml0)
grep -Eq 'tun type tap pi off vnet_hdr off persist on user (65534|nobody)' <<<"$details" \
  || { echo "$details" >&2; tl_fail "uml0 is not persistent and owned by 65534"; }
start_time=$(awk '{sub(/.*\) /, ""); print $20}' "/proc/$supervisor/stat")
pid_namespace=$(stat -L -c %i "/proc/$supervisor/ns/pid")
grep -q "alias taplaunch pid=$supervisor start=$start_time pidns=$pid_namespace guest=umlguest" <<<"$details" \
  || { echo "$details" >&2; tl_fail "uml0 lacks the owner record"; }
kill -TERM "$supervisor"
wait "$supervisor" || true
no_taps_left "after SIGTERM to a UML supervisor"

# An emulator killed while a helper of its own still holds the TAP fds (as UML's do after
# SIGKILL): the supervisor, their subreaper, ends the helper, and the TAP goes.
status=$(run_status TL_INSPECT_HELPER=1 TL_INSPECT_SIGNAL=9)
[ "$status" -eq 137 ] || tl_fail "emulator with a helper: taplaunch exited $status (want 137)"
helper=$(sed -n 's/^helper=//p' "$report")
[ -n "$helper" ] || { cat "$report" >&2; tl_fail "the stand-in started no helper"; }
if kill -0 "$helper" 2>/dev/null; then
  kill -9 "$helper"
  tl_fail "the emulator's helper process outlived the supervisor"
fi
no_taps_left "after the emulator died leaving a helper"

# Cannot start the emulator: the TAPs are removed and the error says why.
status=0
out=$("${TL_RUN[@]}" "$taplaunch" --supervise --nic bridge=br0 -- "$fake_bin/../CMakeFiles" 2>&1) || status=$?
[ "$status" -ne 0 ] || tl_fail "starting a directory succeeded"
no_taps_left "after a failed start"

# Eight persistent TAPs go in one deletion (as one link group); links of other groups, and a
# TAP of this launch that lost its alias meanwhile, stay as they are.
ip -n "$TL_NS" link add grouped0 type veth peer name grouped1
ip -n "$TL_NS" link set grouped0 group 77
nics=()
for i in $(seq 0 7); do nics+=(--nic "bridge=br0,ifname=many$i"); done
: >"$report"
TL_INSPECT_SLEEP=30 "${TL_RUN[@]}" "$taplaunch" -v "${nics[@]}" -- linux >"$report" 2>"$report.log" &
supervisor=$!
for _ in $(seq 50); do grep -q '^pid=' "$report" && break; sleep 0.1; done
ip -n "$TL_NS" link set many3 alias "someone else's now"
ip netns exec "$TL_NS" ip monitor link >"$report.events" &
monitor=$!
sleep 0.2
kill -TERM "$supervisor"
wait "$supervisor" || true
sleep 0.2
kill "$monitor"; wait "$monitor" 2>/dev/null || true
left=$(ip -n "$TL_NS" -o link show type tun | awk -F': ' '{print $2}' | cut -d@ -f1 | tr '\n' ' ')
[ "$left" = "many3 " ] || { cat "$report.log" >&2; tl_fail "after the teardown of 8 TAPs, left: [$left]"; }
grep -q "left many3 alone: it no longer carries our alias" "$report.log" || { cat "$report.log" >&2; tl_fail "no word about many3"; }
[ "$(grep -c ': removed many' "$report.log")" -eq 7 ] || { cat "$report.log" >&2; tl_fail "not 7 TAPs reported removed"; }
ip -n "$TL_NS" -d link show grouped0 | grep -q 'group 77' || tl_fail "grouped0 lost its group"
# One group deletion: the seven TAPs show a group other than 0 just before they go.
[ "$(grep -cE '^Deleted [0-9]+: many[0-9].* group [1-9]' "$report.events")" -eq 7 ] \
  || { cat "$report.events" >&2; tl_fail "the TAPs were not deleted as one group"; }
ip -n "$TL_NS" link del many3
ip -n "$TL_NS" link del grouped0
rm -f "$report.log" "$report.events"

# A link that joins the supervisor's group between its grouping and its check (anyone may set
# a link's group): the group is not deleted, that link keeps its group, and the TAPs go one
# by one all the same.
nics=()
for i in $(seq 0 3); do nics+=(--nic "bridge=br0,ifname=late$i"); done
: >"$report"
TAPLAUNCH_TEST_PAUSE=teardown:grouped TL_INSPECT_SLEEP=30 "${TL_RUN[@]}" "$taplaunch" -v "${nics[@]}" \
  -- linux >"$report" 2>"$report.log" &
supervisor=$!
for _ in $(seq 50); do grep -q '^pid=' "$report" && break; sleep 0.1; done
kill -TERM "$supervisor"
tl_wait_paused "$supervisor" || { cat "$report.log" >&2; tl_fail "the supervisor never paused at teardown:grouped"; }
group=$(ip -n "$TL_NS" -d link show late0 | grep -oE ' group [0-9]+' | awk '{print $2}')
[ -n "$group" ] && [ "$group" != 0 ] || tl_fail "late0 is in no group of its own while paused (group '$group')"
ip -n "$TL_NS" link add intruder0 type veth peer name intruder1
ip -n "$TL_NS" link set intruder0 group "$group"
kill -CONT "$supervisor"
wait "$supervisor" || true
ip -n "$TL_NS" -d link show intruder0 | grep -q " group $group " \
  || tl_fail "intruder0 lost its group $group (or was deleted) with the supervisor's TAPs"
no_taps_left "after the teardown with a foreign link in the group"
[ "$(grep -c ': removed late' "$report.log")" -eq 4 ] || { cat "$report.log" >&2; tl_fail "not 4 TAPs reported removed"; }
ip -n "$TL_NS" link del intruder0
rm -f "$report.log"

# A TAP of the supervisor's that another process gives an alias of its own between the
# grouping and the deletion is looked at again right before the deletion, and stays.
nics=()
for i in $(seq 0 3); do nics+=(--nic "bridge=br0,ifname=late$i"); done
: >"$report"
TAPLAUNCH_TEST_PAUSE=teardown:grouped TL_INSPECT_SLEEP=30 "${TL_RUN[@]}" "$taplaunch" -v "${nics[@]}" \
  -- linux >"$report" 2>"$report.log" &
supervisor=$!
for _ in $(seq 50); do grep -q '^pid=' "$report" && break; sleep 0.1; done
kill -TERM "$supervisor"
tl_wait_paused "$supervisor" || { cat "$report.log" >&2; tl_fail "the supervisor never paused at teardown:grouped"; }
ip -n "$TL_NS" link set late2 alias "adopted while the supervisor looked"
kill -CONT "$supervisor"
wait "$supervisor" || true
left=$(ip -n "$TL_NS" -o link show type tun | awk -F': ' '{print $2}' | cut -d@ -f1 | tr '\n' ' ')
[ "$left" = "late2 " ] || { cat "$report.log" >&2; tl_fail "after an alias changed in the grouped window, left: [$left]"; }
ip -n "$TL_NS" -d link show late2 | grep -q ' group 0 \| group default ' \
  || { ip -n "$TL_NS" -d link show late2 >&2; tl_fail "late2 was left in the supervisor's group"; }
grep -q "left late2 alone: it no longer carries our alias (if nothing uses it, remove it with: ip link del late2)" "$report.log" \
  || { cat "$report.log" >&2; tl_fail "no word about late2"; }
ip -n "$TL_NS" link del late2
rm -f "$report.log"
echo "PASS"
