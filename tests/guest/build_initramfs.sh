#!/usr/bin/env bash
# The guest tests' fixture: brings the initramfs target up to date (a no-op when it is).
# Skips (77) where it cannot be built: not root, or busybox-static or a kernel missing.
# Usage: build_initramfs.sh CMAKE BUILD_DIR [CONFIG]
set -euo pipefail
cmake=$1 build_dir=$2 config=${3:-}

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: building the guest initramfs needs root" >&2
  exit 77
fi
if [ ! -x /bin/busybox ] || ! ls /boot/vmlinuz-* >/dev/null 2>&1; then
  echo "SKIP: needs busybox-static and a kernel image in /boot (scripts/install-deps.sh)" >&2
  exit 77
fi
exec "$cmake" --build "$build_dir" --target guest_initramfs ${config:+--config "$config"}
