#!/usr/bin/env bash
# profiles/ci-guest.ini as its comment says to use it: from the top directory, with only
# --profile, on br0 at 10.77.0.1/24. The guest must ping the bridge and power off, and
# taplaunch must exit 0 with no TAP left.
# Usage: profile_ci_guest.sh TAPLAUNCH INITRAMFS
set -euo pipefail
taplaunch=$1 initramfs=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
source "$top/tests/lib/netns.sh"

tl_require_root
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: no qemu-system-x86_64" >&2; exit 77; }
[ -f "$initramfs" ] || { echo "SKIP: no initramfs $initramfs (built by the guest.initramfs test)" >&2; exit 77; }
[ -r /vmlinuz ] || tl_fail "/vmlinuz is missing (install linux-image-cloud-amd64)"

# The profile names build/tests/guest/initramfs.cpio.gz relative to the top directory; the
# build directory may be elsewhere, so run in a copy of that layout.
tl_netns_create profile-ci
tl_make_bridge br0 10.77.0.1/24
work=$(mktemp -d)
trap 'rm -rf "$work"; tl_netns_cleanup' EXIT
mkdir -p "$work/build/tests/guest"
ln -s "$top/profiles" "$work/profiles"
ln -s "$initramfs" "$work/build/tests/guest/initramfs.cpio.gz"
tl_set_runner /usr/bin

status=0
(cd "$work" && timeout -k 5 60 "${TL_RUN[@]}" "$taplaunch" --profile profiles/ci-guest.ini </dev/null) \
  >"$work/console" 2>&1 || status=$?
if [ "$status" -ne 0 ] || ! grep -q '^TAPLAUNCH-GUEST: ping ok .*mac=52:54:00:12:34:56' "$work/console"; then
  cat "$work/console" >&2
  tl_fail "the ci-guest profile's guest did not ping (taplaunch exited $status)"
fi
[ -z "$(ip -n "$TL_NS" -o link show type tun)" ] || tl_fail "a TAP outlived the guest"
echo "PASS"
