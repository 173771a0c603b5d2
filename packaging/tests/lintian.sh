#!/usr/bin/env bash
# lintian finds no error in the package. Every tag it reports (warnings, pedantic and
# informational ones, overrides) is printed, so that the log shows what remains.
# Usage: lintian.sh DEB_DIR
set -euo pipefail
deb=$(ls "$1"/taplaunch_*.deb)

command -v lintian >/dev/null || { echo "SKIP: lintian is missing (apt-get install lintian)" >&2; exit 77; }
start=$SECONDS
# lintian exits non-zero for errors (and, with --fail-on, for what that names).
status=0
tags=$(lintian --pedantic --display-info --show-overrides --fail-on error "$deb" 2>&1) || status=$?
tags=$(grep -v '^running with root privileges is not recommended!$' <<<"$tags" || true)
echo "lintian $(lintian --version | awk '{print $2}') on $(basename "$deb") ($((SECONDS - start)) s):"
echo "${tags:-(no tags)}"
if [ "$status" -ne 0 ] || grep -q '^E: ' <<<"$tags"; then
  echo "FAIL: lintian reports errors (status $status)" >&2
  exit 1
fi
echo "no errors: $(grep -c '^W: ' <<<"$tags" || true) warnings, $(grep -c '^I: ' <<<"$tags" || true) informational, $(grep -c '^O: ' <<<"$tags" || true) overridden"
