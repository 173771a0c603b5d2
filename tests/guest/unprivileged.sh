#!/usr/bin/env bash
# An ordinary user, with no capability, no setuid helper and no file capability, boots bridged
# guests through taplaunch inside a user namespace of its own (unshare -Urn), where it is
# root of that namespace and owns its network:
#
#   1. With /dev/net/tun at mode 0600, taplaunch fails with exit status 1 and a message that
#      names the mode and the fix (chmod 0666, the distributions' default).
#   2. With /dev/net/tun at 0666, the user makes br0 (10.0.0.1/24) in the namespace and boots
#      the QEMU test guest through taplaunch; the guest pings the bridge.
#   3. The same user boots a UML guest there (persistent TAP, supervised): while it runs,
#      `taplaunch list` shows the TAP's owner record; afterwards it is gone.
#
# Afterwards none of the user's processes or files remain. The test creates the user, makes
# /dev/net/tun 0666 for its run and restores its mode and removes the user however it ends,
# holding the host-state lock all that time.
#
# Usage: unprivileged.sh TAPLAUNCH INITRAMFS
set -euo pipefail
taplaunch=$1 initramfs=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/netns.sh"

tl_require_root
for tool in useradd userdel setpriv unshare qemu-system-x86_64; do
  command -v "$tool" >/dev/null || { echo "SKIP: no $tool" >&2; exit 77; }
done
if [ ! -f "$initramfs" ] || [ ! -f "$initramfs.kernel" ]; then
  echo "SKIP: no initramfs $initramfs (built by the guest.initramfs test)" >&2
  exit 77
fi
uml=/usr/bin/linux
[ -x "$uml" ] || { echo "SKIP: no User-Mode Linux at $uml (install user-mode-linux)" >&2; exit 77; }

# Global state from here on: under the lock, restored on every way out.
exec 9>/run/lock/taplaunch-host-state
flock 9
tun_mode=$(stat -c %a /dev/net/tun)
user=tl-rootless-$$
work=""
restore() {
  local status=$?
  chmod "$tun_mode" /dev/net/tun
  if id "$user" >/dev/null 2>&1; then
    pkill -KILL -u "$user" 2>/dev/null || true
    sleep 0.2
    userdel "$user" 2>/dev/null || echo "unprivileged: could not remove user $user" >&2
  fi
  [ -z "$work" ] || rm -rf "$work"
  exit "$status"
}
trap restore EXIT
trap 'exit 130' INT TERM

useradd --no-create-home --home-dir /nonexistent --shell /bin/sh --user-group "$user"
uid=$(id -u "$user")
[ "$uid" -ge 1000 ] || tl_fail "useradd gave $user uid $uid, not an ordinary user's"

# Everything the user needs, readable by it whatever the checkout's permissions.
work=$(mktemp -d /tmp/tl-rootless.XXXXXX)
chmod 0755 "$work"
install -m 0755 "$taplaunch" "$work/taplaunch"
adapter=$(dirname "$taplaunch")/taplaunch-uml-xstate.so
[ ! -f "$adapter" ] || install -m 0644 "$adapter" "$work/"
install -m 0644 "$initramfs" "$work/initramfs.cpio.gz"
install -m 0644 "$(cat "$initramfs.kernel")" "$work/vmlinuz"
install -m 0755 "$here/uml-init.sh" "$work/uml-init.sh"
install -d -o "$user" -g "$user" -m 0700 "$work/home"

# A command prefix: the user, with its own groups, no capability, a clean environment.
as_user=(setpriv --reuid="$user" --regid="$user" --init-groups --inh-caps=-all --bounding-set=-all
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$work/home" TMPDIR=/dev/shm)
host_links_before=$(ip -o link show | awk -F': ' '{print $2}' | sort)

# The user holds no capability in the initial namespace.
capabilities=$("${as_user[@]}" sh -c 'grep -E "^Cap(Eff|Prm|Amb)" /proc/self/status')
grep -qvE ':[[:space:]]+0+$' <<<"$capabilities" && tl_fail "the user holds capabilities: $capabilities"

# The script the user runs as root of its own namespaces.
cat >"$work/inside.sh" <<'EOF'
set -eu
work=$1 step=$2
ip link set lo up
ip link add br0 type bridge
ip link set br0 up
ip addr add 10.0.0.1/24 dev br0
echo "inside: uid=$(id -u) uid_map=$(awk '{ print $1, $2, $3 }' /proc/self/uid_map)"
case $step in
  qemu)
    exec "$work/taplaunch" -v --nic bridge=br0,mac=52:54:00:0f:00:01 -- \
      qemu-system-x86_64 -nodefaults -no-user-config -display none -serial stdio -no-reboot \
      -m 256 -kernel "$work/vmlinuz" -initrd "$work/initramfs.cpio.gz" \
      -append "console=ttyS0 quiet panic=-1 tl.ip=10.0.0.2/24 tl.peer=10.0.0.1" </dev/null
    ;;
  uml)
    mkdir -p "$HOME/uml"
    "$work/taplaunch" -v --name rootless --nic bridge=br0,mac=52:54:00:0f:00:02 -- \
      /usr/bin/linux mem=128M root=/dev/root rootfstype=hostfs rootflags=/ ro \
      init="$work/uml-init.sh" con=null con0=fd:0,fd:1 ssl=null pty.legacy_count=0 \
      tl.if=vec0 tl.ip=10.0.0.2/24 tl.peer=10.0.0.1 tl.halt=none uml_dir="$HOME/uml" \
      </dev/null >"$HOME/uml.log" 2>&1 &
    launcher=$!
    for _ in $(seq 600); do
      grep -aq 'TAPLAUNCH-GUEST: result' "$HOME/uml.log" && break
      sleep 0.1
    done
    echo "list while the UML guest runs:"
    "$work/taplaunch" list
    "$work/taplaunch" list --json >"$HOME/list.json"
    kill -TERM "$launcher"
    wait "$launcher" || echo "taplaunch exited with status $?"
    cat "$HOME/uml.log"
    echo "links afterwards: $(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
    ;;
esac
EOF
chmod 0644 "$work/inside.sh"

# 1. /dev/net/tun as this machine ships it: the error names the fix.
chmod 0600 /dev/net/tun
status=0
"${as_user[@]}" unshare -Urn sh "$work/inside.sh" "$work" qemu >"$work/denied.log" 2>&1 || status=$?
cat "$work/denied.log"
[ "$status" -eq 1 ] || tl_fail "with /dev/net/tun 0600, taplaunch exited $status, not 1"
grep -q "^taplaunch: cannot open /dev/net/tun: Permission denied (it is mode 0600.*chmod 0666 /dev/net/tun" \
  "$work/denied.log" || tl_fail "the error does not name /dev/net/tun's mode and the fix"

# 2. The distributions' mode: a QEMU guest on the user's own bridge.
chmod 0666 /dev/net/tun
start=$EPOCHREALTIME
status=0
timeout -k 5 120 "${as_user[@]}" unshare -Urn sh "$work/inside.sh" "$work" qemu >"$work/qemu.log" 2>&1 || status=$?
sed -i 's/\r$//' "$work/qemu.log"   # the guest's serial console ends lines with CR LF
qemu_seconds=$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.2f", e - s }')
fail_with() { cat "$1" >&2; tl_fail "$2"; }
[ "$status" -eq 0 ] || fail_with "$work/qemu.log" "the QEMU guest run ended with status $status"
grep -q "^inside: uid=0 uid_map=0 $uid 1$" "$work/qemu.log" \
  || fail_with "$work/qemu.log" "the run was not root of a user namespace mapping only uid $uid"
grep -qE "^TAPLAUNCH-GUEST: ping ok iface=[^ ]+ driver=virtio_net mac=52:54:00:0f:00:01 addr=10.0.0.2/24 peer=10.0.0.1 " \
  "$work/qemu.log" || fail_with "$work/qemu.log" "the QEMU guest did not ping the bridge"
grep -qx "TAPLAUNCH-GUEST: result ok" "$work/qemu.log" || fail_with "$work/qemu.log" "the QEMU guest failed"
grep -qF "taplaunch: nic 0: attach tap0 to bridge br0" "$work/qemu.log" \
  || fail_with "$work/qemu.log" "taplaunch did not attach tap0 to br0"

# 3. UML: a persistent TAP with its owner record, removed after the guest.
start=$EPOCHREALTIME
status=0
timeout -k 5 120 "${as_user[@]}" unshare -Urn sh "$work/inside.sh" "$work" uml >"$work/uml.log" 2>&1 || status=$?
uml_seconds=$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.2f", e - s }')
[ "$status" -eq 0 ] || fail_with "$work/uml.log" "the UML run ended with status $status"
grep -qE "^TAPLAUNCH-GUEST: ping ok iface=vec0 mac=52:54:00:0f:00:02 addr=10.0.0.2/24 peer=10.0.0.1 " \
  "$work/uml.log" || fail_with "$work/uml.log" "the UML guest did not ping the bridge"
grep -qF "taplaunch: nic 0: make tap0 persistent, owned by uid 0" "$work/uml.log" \
  || fail_with "$work/uml.log" "the UML TAP was not made persistent for the namespace's root"
python3 - "$work/home/list.json" <<'EOF' || fail_with "$work/uml.log" "taplaunch list did not show the UML guest's TAP"
import json, sys
taps = json.load(open(sys.argv[1]))["taps"]
assert len(taps) == 1, taps
tap = taps[0]
assert tap["tap"] == "tap0" and tap["guest"] == "rootless" and tap["bridge"] == "br0", tap
EOF
grep -qF "taplaunch: nic 0: removed tap0" "$work/uml.log" || fail_with "$work/uml.log" "the UML TAP was not removed"
grep -q "^links afterwards: lo br0 $" "$work/uml.log" || fail_with "$work/uml.log" "links other than lo and br0 were left"

# Nothing of the user's is left, and the host's own links are as they were.
leftover=$(pgrep -u "$user" || true)
[ -z "$leftover" ] || tl_fail "processes of $user outlived the runs: $leftover"
files=$(find /tmp /dev/shm /run /var/tmp -xdev -user "$user" -not -path "$work/*" 2>/dev/null || true)
[ -z "$files" ] || tl_fail "files of $user were left: $files"
[ "$(ip -o link show | awk -F': ' '{print $2}' | sort)" = "$host_links_before" ] \
  || tl_fail "the host's own links changed"
echo "PASS (uid $uid, no capability: QEMU guest pinged its bridge in ${qemu_seconds}s, UML guest in ${uml_seconds}s)"
