#!/usr/bin/env bash
# lock=ip on a real UML guest: it reaches the host from its own MAC and address; after it
# changes its MAC, or its address to one not in ip=, it does not; back on its own, it does
# again (so the silence is the lock's). The guest runs uml_lock_guest.sh (tl.run) after its
# first pings. Afterwards no TAP is left.
# Usage: uml_lock.sh TAPLAUNCH
set -euo pipefail
taplaunch=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/uml_test.sh"

tl_uml_begin uml-lock
UML_WRAPPER=("$taplaunch" -v --name locked --nic bridge=br0,mac=52:54:00:10:c0:02,lock=ip,ip=10.77.0.2 --)
# shellcheck disable=SC2046
uml_boot "$TL_UML_LOG" $(UML_INIT_ARGS="tl.count=1 tl.run=/bin/sh:$here/uml_lock_guest.sh:vec0:10.77.0.2/24:10.77.0.1" \
  uml_boot_args vec0) || { cat "$TL_UML_LOG" >&2; tl_fail "the locked guest's checks failed"; }
grep -q 'lock-check: spoofed MAC silent' "$TL_UML_LOG" || { cat "$TL_UML_LOG" >&2; tl_fail "no MAC check"; }
grep -q 'lock-check: other address silent' "$TL_UML_LOG" || { cat "$TL_UML_LOG" >&2; tl_fail "no address check"; }
grep -q 'lock-check: own again reaches the host' "$TL_UML_LOG" || { cat "$TL_UML_LOG" >&2; tl_fail "no final check"; }
[ -z "$(ip -n "$TL_NS" -o link show type tun)" ] || tl_fail "a TAP was left"
echo PASS
