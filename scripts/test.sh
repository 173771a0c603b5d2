#!/usr/bin/env bash
# Builds taplaunch and runs every test: unit, host (network namespaces) and guest (real QEMU/UML);
# then, for a whole run, the unit and host tests once more in an ASan+UBSan build and each
# libFuzzer target for a bounded time (scripts/sanitize.sh; TAPLAUNCH_SANITIZE=0 skips it), and
# the suite matrix: build and tests in fresh Debian 13 and unstable roots (scripts/test-suites.sh;
# TAPLAUNCH_SUITES=0 skips it).
# Usage: scripts/test.sh [ctest arguments...]    e.g. scripts/test.sh -L unit (ctest only)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TAPLAUNCH_BUILD_DIR:-$top/build}

"$top/scripts/install-deps.sh"
cmake -S "$top" -B "$build" -DTAPLAUNCH_WERROR=ON >/dev/null
cmake --build "$build" -j "$(nproc)"
(cd "$build" && ctest --output-on-failure --timeout 600 "$@")
if [ $# -eq 0 ] && [ "${TAPLAUNCH_SANITIZE:-1}" != 0 ]; then
  "$top/scripts/sanitize.sh"
fi
if [ $# -eq 0 ] && [ "${TAPLAUNCH_SUITES:-1}" != 0 ]; then
  "$top/scripts/test-suites.sh"
fi
