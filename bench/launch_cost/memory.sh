#!/usr/bin/env bash
# Section 3, inside the bench's namespace: peak RSS of taplaunch just before it execs the
# emulator (read by a tracer stopped at the execve, rss_at_exec), and of the variants, with the
# floor for reference;
# and the RSS of taplaunch's supervisor while a guest runs (read from /proc/PID/status).
# Writes BENCH_RAW/memory.csv: round,what,nics,vmhwm_kb,vmrss_kb,children_maxrss_kb
#   memory.sh "NIC COUNTS"
source "$(dirname "$0")/common.sh"
counts=$1
csv=$BENCH_RAW/memory.csv
echo "round,what,nics,vmhwm_kb,vmrss_kb,children_maxrss_kb" >"$csv"
report=$(mktemp "$BENCH_RAW/report.XXXXXX")  # not in /tmp: nothing else may tidy it away
trap 'rm -f "$report"' EXIT

status_kb() {  # status_kb PID FIELD
  awk -v field="$2:" '$1 == field { print $2 }' "/proc/$1/status"
}

bench_clear_taps
for ((round = 1; round <= BENCH_ROUNDS; round++)); do
  for nics in $counts; do
    for way in taplaunch $(bench_variant_labels) floor; do
      bench_command "$way" "$nics"
      result=$("$BENCH_PROGRAMS/rss_at_exec" -- "${bench_argv[@]}" 2>/dev/null | tail -n 1) \
        || bench_fail "rss_at_exec on $way failed"
      echo "$round,$way-before-exec,$nics,$(bench_value vmhwm_kb "$result"),$(bench_value vmrss_kb "$result"),$(bench_value children_maxrss_kb "$result")" >>"$csv"
      bench_clear_taps
    done

    # The supervisor while its guest runs: sample once the guest has started.
    bench_command taplaunch "$nics" "$bench_uml"
    : >"$report"  # empty before the start: the background job's own truncation may come late
    BENCH_EMULATOR_SLEEP_MS=1500 "${bench_argv[@]}" >>"$report" &
    supervisor=$!
    waited=0
    while ! grep -q '^started_ns=' "$report" && [ "$waited" -lt 12000 ] && kill -0 "$supervisor" 2>/dev/null; do
      sleep 0.01
      waited=$((waited + 1))
    done
    if ! grep -q '^started_ns=' "$report"; then
      [ -z "${BENCH_DEBUG:-}" ] || timeout 2 strace -r -p "$supervisor" 2>&1 | cut -c1-220 | tail -n 40 >&2 || true
      bench_fail "the supervised guest with $nics NICs did not start within 120 s (supervisor state: $(sed -n "s/^State:\s*//p" "/proc/$supervisor/status" 2>/dev/null || echo gone), $(ip -o link show type tun | wc -l) TAPs)"
    fi
    # Setting up 64 persistent TAPs normally takes tens of ms; say so when it took seconds.
    [ "$waited" -lt 500 ] || echo "launch_cost: the supervised launch with $nics NICs took $((waited / 100)) s to start its guest" >&2
    echo "$round,supervisor-while-guest-runs,$nics,$(status_kb "$supervisor" VmHWM),$(status_kb "$supervisor" VmRSS)," >>"$csv"
    wait "$supervisor" || bench_fail "the supervised launch failed"
    bench_clear_taps
  done
done
