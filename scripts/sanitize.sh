#!/usr/bin/env bash
# Builds taplaunch with clang, AddressSanitizer and UndefinedBehaviorSanitizer (every report
# fatal) and the libFuzzer targets, runs the unit and host tests and each fuzz corpus once
# there, then fuzzes each target for a bounded time (scripts/fuzz.sh). scripts/test.sh calls
# it once after the ordinary suite; run it alone as root from a clone, after
# scripts/install-deps.sh.
# Environment: TAPLAUNCH_SANITIZE_BUILD_DIR (default build-sanitize), TAPLAUNCH_FUZZ_SECONDS
# (per target, default 60).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TAPLAUNCH_SANITIZE_BUILD_DIR:-$top/build-sanitize}

start=$SECONDS
CC=clang CXX=clang++ cmake -S "$top" -B "$build" -DTAPLAUNCH_SANITIZE=ON -DTAPLAUNCH_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
echo "sanitize: built in $((SECONDS - start)) s" >&2

# Any report ends the process with a failure: halt_on_error for ASan, no recovery for UBSan
# (compiled in). Leak checking stays on: taplaunch frees what it allocates.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
start=$SECONDS
(cd "$build" && ctest --output-on-failure --timeout 600 -j "$(nproc)" -L 'unit|host|fuzz')
echo "sanitize: unit, host and fuzz-corpus tests took $((SECONDS - start)) s" >&2

"$top/scripts/fuzz.sh" "$build" "${TAPLAUNCH_FUZZ_SECONDS:-60}"
