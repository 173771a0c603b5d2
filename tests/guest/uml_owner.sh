#!/usr/bin/env bash
# --owner: a UML guest run as an ordinary user (nobody, through setpriv) can open the
# persistent TAP taplaunch made for it only when the TAP is that user's. With --owner nobody
# the guest pings the bridge; with --owner root the same guest cannot open its TAP and its
# ping fails (UML still exits 0: the guest's report is what counts).
# /dev/net/tun is 0600 on this kind of machine; an ordinary user needs it readable and
# writable, so the test makes it 0666 for its run and restores the mode afterwards, holding
# the host-state lock all that time.
# Usage: uml_owner.sh TAPLAUNCH
set -euo pipefail
taplaunch=$1
source "$(dirname "$0")/../lib/uml_test.sh"

uml_require
command -v setpriv >/dev/null || { echo "SKIP: no setpriv (util-linux)" >&2; exit 77; }
nobody=$(id -u nobody) nogroup=$(id -g nobody)
tl_uml_begin uml-owner
log=$TL_UML_LOG
exec 9>/run/lock/taplaunch-host-state
flock 9
tun_mode=$(stat -c %a /dev/net/tun)
tl_uml_on_exit "chmod $tun_mode /dev/net/tun"
chmod 0666 /dev/net/tun
# UML as nobody reads the host's files (hostfs); the init script and its directory must be
# readable by it, as they are in any checkout with the usual modes.
[ -r "$UML_INIT" ] || tl_fail "$UML_INIT is not readable"

UML_DIR_OWNER="$nobody:$nogroup"
as_nobody=(setpriv --reuid="$nobody" --regid="$nogroup" --clear-groups)

# boot OWNER: a guest run as nobody on a TAP owned by OWNER
boot() {
  UML_WRAPPER=("$taplaunch" -v --emulator-kind uml --owner "$1" --nic bridge=br0 -- "${as_nobody[@]}")
  # shellcheck disable=SC2046
  uml_boot "$log" $(UML_INIT_ARGS="tl.wait=3" uml_boot_args vec0) || true
}

boot nobody
if [ "$UML_RESULT" != ok ] || [ "$UML_STATUS" -ne 0 ]; then
  cat "$log" >&2
  tl_fail "UML as nobody could not use the TAP taplaunch made for nobody"
fi
grep -q "make tap0 persistent, owned by uid $nobody" "$log" || tl_fail "tap0 was not given to nobody"
[ -z "$(ip -n "$TL_NS" -o link show type tun)" ] || tl_fail "a TAP outlived the guest"

boot root
[ "$UML_RESULT" = failed ] || { cat "$log" >&2; tl_fail "UML as nobody used a TAP owned by root (result $UML_RESULT)"; }
[ -z "$(ip -n "$TL_NS" -o link show type tun)" ] || tl_fail "a TAP outlived the guest"
echo "PASS"
