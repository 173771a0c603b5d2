# For tests that stop taplaunch at a TAPLAUNCH_TEST_PAUSE point (launcher/host/test_pause.hpp).
#
#   tl_wait_paused PID   returns 0 once PID is stopped (state T), 1 if it is not within 4 s

tl_wait_paused() {
  local pid=$1 state
  for _ in $(seq 200); do
    state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
    [[ $state == T* ]] && return 0
    sleep 0.02
  done
  return 1
}
