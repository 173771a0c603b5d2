# Records a test namespace's link events (`ip -d -o monitor link`, one line each) into a file,
# for tests that check what the kernel reported and in which order. Source it after netns.sh,
# in a namespace with a bridge made by tl_make_bridge: the far end of that bridge's uplink
# (BRIDGE-peer, on no bridge) is the marker whose MTU changes show the monitor is current.
#
#   tl_monitor_start EVENTS [BRIDGE]   records from now on (BRIDGE defaults to br0)
#   tl_monitor_finish                  waits for every event so far, stops, fails the test
#                                      on an error from ip monitor (events lost)
#   tl_monitor_kill                    stops without checks (for an EXIT trap)

TL_MONITOR_PID="" TL_MONITOR_EVENTS="" TL_MONITOR_MARKER="" TL_MONITOR_MARK=1300

# Changes the marker's MTU and waits until the monitor shows it: every event before the change
# is then in the file too (the kernel reports a namespace's link events in order).
tl_monitor_next_mark() {
  TL_MONITOR_MARK=$((TL_MONITOR_MARK >= 1499 ? 1301 : TL_MONITOR_MARK + 1))
  ip -n "$TL_NS" link set "$TL_MONITOR_MARKER" mtu "$TL_MONITOR_MARK"
}

tl_monitor_sync() {
  local tries
  tl_monitor_next_mark
  for tries in $(seq 100); do
    grep -q "$TL_MONITOR_MARKER@[^:]*: .* mtu $TL_MONITOR_MARK " "$TL_MONITOR_EVENTS" && return 0
    sleep 0.05
  done
  tl_fail "ip monitor did not show the marker's MTU change within 5 s"
}

tl_monitor_start() {
  TL_MONITOR_EVENTS=$1 TL_MONITOR_MARKER=${2:-br0}-peer
  : >"$TL_MONITOR_EVENTS"
  ip -n "$TL_NS" -d -o monitor link >"$TL_MONITOR_EVENTS" 2>"$TL_MONITOR_EVENTS.err" &
  TL_MONITOR_PID=$!
  # The monitor may not be listening yet: change the marker until it shows a change.
  local tries
  for tries in $(seq 100); do
    tl_monitor_next_mark
    grep -q "$TL_MONITOR_MARKER@[^:]*: .* mtu $TL_MONITOR_MARK " "$TL_MONITOR_EVENTS" && return 0
    sleep 0.05
  done
  tl_fail "ip monitor showed no event"
}

tl_monitor_kill() {
  [ -n "$TL_MONITOR_PID" ] || return 0
  kill "$TL_MONITOR_PID" 2>/dev/null || true
  wait "$TL_MONITOR_PID" 2>/dev/null || true
  TL_MONITOR_PID=""
}

tl_monitor_finish() {
  tl_monitor_sync
  tl_monitor_kill
  if [ -s "$TL_MONITOR_EVENTS.err" ]; then
    cat "$TL_MONITOR_EVENTS.err" >&2
    tl_fail "ip monitor reported an error (events lost?)"
  fi
}
