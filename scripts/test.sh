#!/usr/bin/env bash
# Builds taplaunch and runs every test: unit, host (network namespaces) and guest (real QEMU/UML).
# Usage: scripts/test.sh [ctest arguments...]    e.g. scripts/test.sh -L unit
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TAPLAUNCH_BUILD_DIR:-$top/build}

"$top/scripts/install-deps.sh"
cmake -S "$top" -B "$build" -DTAPLAUNCH_WERROR=ON >/dev/null
cmake --build "$build" -j "$(nproc)"
cd "$build"
ctest --output-on-failure --timeout 600 "$@"
