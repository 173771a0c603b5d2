#!/usr/bin/env bash
# Section 2a, inside the bench's namespace: COUNT launches of one NIC each, all at once and one
# after another, for taplaunch and the floor. Writes BENCH_RAW/scale.csv:
#   round,way,mode,count,last_start_ns,all_exited_ns,sum_launch_ns (serial: the launches alone,
#   without the kernel's teardown of each emulator's TAP between them)
#   scale.sh COUNT
source "$(dirname "$0")/common.sh"
count=$1
csv=$BENCH_RAW/scale.csv
echo "round,way,mode,count,last_start_ns,all_exited_ns,sum_launch_ns" >"$csv"
bench_clear_taps
for ((round = 1; round <= BENCH_ROUNDS; round++)); do
  for way in taplaunch floor; do
    bench_command "$way" 1
    # Each launch its own guest name, so its own default MAC: taplaunch refuses a guest whose
    # MAC another guest on the bridge has (launch_timer numbers @I@).
    [ "$way" != taplaunch ] || bench_argv=("${bench_argv[0]}" --name "bench@I@" "${bench_argv[@]:1}")
    for mode in parallel serial; do
      result=$("$BENCH_PROGRAMS/launch_timer" "$mode" "$count" -- "${bench_argv[@]}") \
        || bench_fail "$count $mode launches of $way failed"
      sum=""
      [ "$mode" = serial ] && sum=$(bench_value sum_launch_ns "$result")
      echo "$round,$way,$mode,$count,$(bench_value last_start_ns "$result"),$(bench_value all_exited_ns "$result"),$sum" >>"$csv"
      bench_clear_taps
    done
  done
done
