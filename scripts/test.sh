#!/usr/bin/env bash
# Builds taplaunch and runs every test: unit, host (network namespaces) and guest (real QEMU/UML);
# then, for a whole run, the unit and host tests once more in an ASan+UBSan build and each
# libFuzzer target for a bounded time (scripts/sanitize.sh; TAPLAUNCH_SANITIZE=0 skips it), and
# the suite matrix: build and tests in fresh Debian 13 and unstable roots (scripts/test-suites.sh;
# TAPLAUNCH_SUITES=0 skips it).
# The matrix starts first and runs beside the rest at the lowest CPU and I/O priority: ctest runs
# one test at a time, so one of two cores is mostly idle, and the matrix's downloads and package
# installs wait on the network and the disk, not the CPU. Its output goes to BUILD/test-suites.log
# and its summary is printed at the end; a failure of either part fails the run, and a run that
# ends early stops the matrix (which removes its roots).
# Usage: scripts/test.sh [ctest arguments...]    e.g. scripts/test.sh -L unit (ctest only)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TAPLAUNCH_BUILD_DIR:-$top/build}

"$top/scripts/install-deps.sh"
whole=0
[ $# -ne 0 ] || whole=1

suites_pid=""
suites_log=$build/test-suites.log
stop_suites() {
  if [ -n "$suites_pid" ]; then
    kill -TERM "$suites_pid" 2>/dev/null || true
    wait "$suites_pid" 2>/dev/null || true
    echo "test: the suite matrix was stopped (its log: $suites_log)" >&2
  fi
}
if [ "$whole" = 1 ] && [ "${TAPLAUNCH_SUITES:-1}" != 0 ]; then
  mkdir -p "$build"
  echo "test: the suite matrix runs in the background (log: $suites_log)" >&2
  nice -n 19 ionice -c 2 -n 7 "$top/scripts/test-suites.sh" >"$suites_log" 2>&1 &
  suites_pid=$!
  trap stop_suites EXIT
fi

cmake -S "$top" -B "$build" -DTAPLAUNCH_WERROR=ON >/dev/null
cmake --build "$build" -j "$(nproc)"
(cd "$build" && ctest --output-on-failure --timeout 600 "$@")
if [ "$whole" = 1 ] && [ "${TAPLAUNCH_SANITIZE:-1}" != 0 ]; then
  "$top/scripts/sanitize.sh"
fi
if [ -n "$suites_pid" ]; then
  echo "test: waiting for the suite matrix" >&2
  status=0
  wait "$suites_pid" || status=$?
  suites_pid=""
  # The per-step lines and the summary table; the failing step's log end is in it too.
  grep -v '^test-suites: [a-z]*: [a-z+]* \.\.\.$' "$suites_log" >&2 || true
  exit "$status"
fi
