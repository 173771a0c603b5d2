#!/usr/bin/env bash
# profiles/uml-guest.ini as its comment says to use it: from the top directory, with only
# --profile, on br0 at 10.77.0.1/24. The UML guest must get its three echo replies and power
# off; taplaunch must exit 0 (UML's status) with the persistent TAP removed.
# Usage: profile_uml_guest.sh TAPLAUNCH
set -euo pipefail
taplaunch=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
source "$top/tests/lib/uml_test.sh"

tl_uml_begin profile-uml
tl_set_runner /usr/bin

status=0
(cd "$top" && HOME=$TL_UML_DIR TMPDIR=/dev/shm timeout -k 5 60 "${TL_RUN[@]}" "$taplaunch" -v \
  --profile profiles/uml-guest.ini </dev/null) >"$TL_UML_LOG" 2>&1 || status=$?
if [ "$status" -ne 0 ] || ! grep -q '3 packets transmitted, 3 received' "$TL_UML_LOG"; then
  cat "$TL_UML_LOG" >&2
  tl_fail "the uml-guest profile's guest did not ping (taplaunch exited $status)"
fi
grep -q 'nic 0: removed tap0' "$TL_UML_LOG" || tl_fail "the supervisor did not remove tap0"
[ -z "$(ip -n "$TL_NS" -o link show type tun)" ] || tl_fail "a TAP outlived the guest"
echo "PASS"
