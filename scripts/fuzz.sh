#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS (default 60) from its committed corpus, two at a time
# (one per core). New inputs go to a scratch directory, never into fuzz/corpus; a crash leaves
# its input under build/fuzz-artifacts and fails the run: fix it, then commit the input to
# fuzz/corpus/TARGET as a regression case.
# Usage: scripts/fuzz.sh BUILD-DIR [SECONDS]   (BUILD-DIR configured with -DTAPLAUNCH_FUZZ=ON)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1
seconds=${2:-60}
targets=(nic_spec profile bridge_acl qemu_rewrite)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"

run_target() {  # run_target NAME: fuzz it, log to $scratch/NAME.log, exit status as libFuzzer's
  local name=$1
  mkdir -p "$scratch/$name"
  "$build/fuzz/${name}_fuzzer" "$scratch/$name" "$top/fuzz/corpus/$name" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -artifact_prefix="$artifacts/$name-" -print_final_stats=1 >"$scratch/$name.log" 2>&1
}

passed=0
failed=0
start=$SECONDS
for ((index = 0; index < ${#targets[@]}; index += 2)); do
  pids=()
  for name in "${targets[@]:index:2}"; do
    run_target "$name" &
    pids+=("$!:$name")
  done
  for entry in "${pids[@]}"; do
    name=${entry#*:}
    if wait "${entry%%:*}"; then
      passed=$((passed + 1))
      runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$name.log")
      echo "fuzz: $name: ${runs:-?} inputs in ${seconds} s, no crash" >&2
    else
      failed=$((failed + 1))
      tail -n 60 "$scratch/$name.log" >&2
      echo "fuzz: $name FAILED; the input is under $artifacts" >&2
    fi
  done
done
echo "fuzz: took $((SECONDS - start)) s" >&2
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
