#!/usr/bin/env bash
# The fixture of the guest tests that need NIC drivers the cloud kernel lacks (e1000, e1000e,
# 8139cp): brings the guest_generic_initramfs target up to date, which downloads Debian's
# generic kernel package into the build tree the first time (fetch-kernel-package.sh) and reuses
# it afterwards. Skips (77) only when not root; a failed download fails.
# Usage: generic_kernel.sh CMAKE BUILD_DIR [CONFIG]
set -euo pipefail
cmake=$1 build_dir=$2 config=${3:-}

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: building the generic-kernel initramfs needs root" >&2
  exit 77
fi
exec "$cmake" --build "$build_dir" --target guest_generic_initramfs ${config:+--config "$config"}
