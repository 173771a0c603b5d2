#!/usr/bin/env bash
# systemd-analyze verify accepts the installed taplaunch@.service without a remark: every
# directive parses, the binary it runs exists and is executable, its man page is found. It runs
# wherever systemd is installed, booted or not; systemd_unit.sh runs the unit for real.
# Usage: unit_verify.sh BUILD_DIR WORK_DIR
set -euo pipefail
build=$1 work=$2

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is missing (apt-get install systemd)" >&2
  exit 77
fi
rm -rf "$work"
trap 'rm -rf "$work"' EXIT
# Installed under a prefix of its own, so that ExecStart names a binary that exists here.
cmake --install "$build" --prefix "$work/usr" >/dev/null
unit_dir=$(dirname "$(find "$work" -name 'taplaunch@.service')")
grep -qx "ExecStart=$work/usr/bin/taplaunch --profile /etc/taplaunch/profiles/%i.ini" \
  "$unit_dir/taplaunch@.service" || { echo "FAIL: ExecStart does not name the installed binary" >&2; exit 1; }

# verify: RESULT and what it said, for the unit file in directory $1.
verify() {
  (cd "$1" && MANPATH=$work/usr/share/man systemd-analyze verify ./taplaunch@web.service 2>&1)
}
if ! output=$(verify "$unit_dir") || [ -n "$output" ]; then
  echo "FAIL: systemd-analyze verify taplaunch@web.service:" >&2
  echo "$output" >&2
  exit 1
fi
echo "systemd-analyze verify: no remarks"

# The same check reports a unit with a mistake in it.
mkdir "$work/broken"
sed 's/^KillMode=mixed$/KillMode=mixd/' "$unit_dir/taplaunch@.service" >"$work/broken/taplaunch@.service"
output=$(verify "$work/broken" || true)
grep -q "kill mode" <<<"$output" || { echo "FAIL: a misspelt KillMode went unnoticed: $output" >&2; exit 1; }
echo "a unit with a misspelt KillMode is reported: $output"
