#!/usr/bin/env bash
# An ordinary user with taplaunch installed as the install step does it (cap_net_admin+ep, from
# `cmake --install BUILD --component capability`), in a network namespace with bridges br0 and
# br1 and a bridge ACL that allows br0:
#   - a launch on br0 works; the emulator holds no capability and exactly fds 0, 1, 2 and the
#     TAP's; it gets the caller's environment (also what the loader hides in secure mode);
#   - a launch on br1 is refused naming the ACL and changes nothing; so is anything that tries
#     to point a capable run at another ACL (variables, options, a profile key);
#   - deny all wins over allow br0; include works (a file of another group applies to that
#     group alone); a missing ACL denies; a bad line is named;
#   - --owner root, and gc of a TAP that is another user's, are refused; the user's own gc works;
#   - UML by name: the persistent TAP is the user's, the emulator and the version probe hold
#     no capability, and the supervisor still removes the TAP afterwards;
#   - libnl's load-time variables reach no library in the capable process (root's run shows
#     they would).
# It changes global state (a user account, the ACL under sysconfdir, the mode of
# /dev/net/tun), under the host-state lock, and restores all of it however it ends.
set -euo pipefail
taplaunch=$1 fake_bin=$2 build_dir=$3 acl=$4
source "$(dirname "$0")/../lib/netns.sh"

tl_require_root
for tool in setcap getcap useradd userdel setpriv; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing (apt-get install libcap2-bin passwd util-linux)" >&2; exit 77; }
done
user=taplaunch-test

exec 9>/run/lock/taplaunch-host-state
flock 9

tl_netns_create unpriv
work=$(mktemp -d)
chmod 755 "$work"
tun_mode=$(stat -c %a /dev/net/tun)
acl_dir=$(dirname "$acl")
acl_backup=""
created_dirs=()
restore() {
  local status=$?
  chmod "$tun_mode" /dev/net/tun 2>/dev/null || true
  if [ -n "$acl_backup" ]; then
    cp -p "$acl_backup" "$acl"
  else
    rm -f "$acl"
  fi
  local index
  for ((index = ${#created_dirs[@]} - 1; index >= 0; index--)); do
    rmdir "${created_dirs[index]}" 2>/dev/null || true
  done
  userdel "$user" >/dev/null 2>&1 || true
  tl_netns_cleanup
  rm -rf "$work"
  exit "$status"
}
trap restore EXIT

# Global state, each change undone by restore().
chmod 0666 /dev/net/tun
if [ -e "$acl" ]; then
  acl_backup="$work/acl-backup"
  cp -p "$acl" "$acl_backup"
fi
missing_dirs=()
dir=$acl_dir
while [ ! -d "$dir" ]; do
  missing_dirs=("$dir" "${missing_dirs[@]}")
  dir=$(dirname "$dir")
done
for dir in "${missing_dirs[@]}"; do
  mkdir -m 755 "$dir"
  created_dirs+=("$dir")
done
userdel "$user" >/dev/null 2>&1 || true
useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
uid=$(id -u "$user")
gid=$(id -g "$user")

# The install step, as an administrator runs it.
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake --install "$build_dir" --prefix "$work/prefix" --component capability >/dev/null
capable="$work/prefix/bin/taplaunch"
getcap "$capable" | grep -q 'cap_net_admin=ep' || tl_fail "the install step did not set cap_net_admin+ep: $(getcap "$capable")"
[ ! -u "$capable" ] && [ ! -g "$capable" ] || tl_fail "the installed binary is setuid or setgid"
cp "$(dirname "$taplaunch")/taplaunch-uml-xstate.so" "$work/prefix/bin/"
# The stand-in emulator, where the user can run it.
mkdir -m 755 "$work/bin" "$work/etc"
cp "$(readlink -f "$fake_bin/qemu-system-x86_64")" "$work/bin/qemu-system-x86_64"
ln -s qemu-system-x86_64 "$work/bin/linux"
chmod -R a+rX "$work"

tl_make_bridge br0
tl_make_bridge br1
report="$work/report"
errors="$work/errors"

write_acl() {  # write_acl TEXT: the ACL at its fixed path, root's, 0644
  printf '%s' "$1" >"$acl"
  chmod 644 "$acl"
}

# as_user CMD...: CMD as the ordinary user in the namespace, with nothing but fds 0, 1, 2, the
# stand-ins first in PATH, in a directory the user may enter. Every stage execs.
as_user() {
  ip netns exec "$TL_NS" setpriv --reuid="$uid" --regid="$gid" --clear-groups -- \
    bash -c 'for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; cd "$0"; PATH="$0/bin:/usr/bin:/bin" exec "$@"' "$work" "$@"
}

expect() {  # expect PATTERN FILE: FILE has a line matching the extended regex
  grep -Eq -- "$1" "$2" || { cat "$2" >&2; tl_fail "$2 lacks: $1"; }
}

no_taps() {  # no_taps WHY: the namespace has no TUN/TAP device
  if ip -n "$TL_NS" -o link show type tun | grep -q .; then
    ip -n "$TL_NS" -o link show type tun >&2
    tl_fail "a TAP exists after $1"
  fi
}

refused() {  # refused PATTERN ARGS...: a capable launch with ARGS exits 2 saying PATTERN, changing nothing
  local pattern=$1 status=0 before after
  shift
  before=$(tl_link_state)
  as_user "$capable" "$@" >"$report" 2>"$errors" || status=$?
  [ "$status" -eq 2 ] || { cat "$report" "$errors" >&2; tl_fail "expected exit 2, got $status for: $*"; }
  expect "$pattern" "$errors"
  [ "$(wc -l <"$errors")" -eq 1 ] || { cat "$errors" >&2; tl_fail "expected one line for: $*"; }
  after=$(tl_link_state)
  [ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after") >&2; tl_fail "a refused launch changed the namespace: $*"; }
  no_taps "a refused launch ($*)"
}

# Without the capability (the build's binary), an ordinary user is told how to install.
status=0
as_user "$taplaunch" --nic bridge=br0 -- qemu-system-x86_64 >"$report" 2>"$errors" || status=$?
[ "$status" -eq 2 ] || tl_fail "an unprivileged launch exited $status"
expect "^taplaunch: creating TAPs needs root or CAP_NET_ADMIN, and uid $uid runs taplaunch without either \(.*setcap cap_net_admin\+ep" "$errors"
[ "$(wc -l <"$errors")" -eq 1 ] || tl_fail "the unprivileged launch printed more than one line"

# Allowed: br0.
write_acl $'# bridges users may use\nallow br0\n'
status=0
TL_INSPECT_ENV=TMPDIR,LD_LIBRARY_PATH,NLCB TMPDIR=/tmp/callers LD_LIBRARY_PATH=/opt/callers NLCB=debug \
  as_user "$capable" --nic bridge=br0,mac=52:54:00:12:34:56 -- qemu-system-x86_64 -m 64 \
  >"$report" 2>"$errors" || status=$?
[ "$status" -eq 0 ] || { cat "$report" "$errors" >&2; tl_fail "the capable launch on br0 exited $status"; }
expect "^credentials uid=$uid CapInh=0000000000000000 CapPrm=0000000000000000 CapEff=0000000000000000 CapAmb=0000000000000000\$" "$report"
expect '^fds=0,1,2,3$' "$report"
expect '^tap fd=3 ifname=tap0 tap=1 no_pi=1 vnet_hdr=1 persist=0 cloexec=0 mac=fe:54:00:12:34:56 mtu=1500 master=br0 up=1$' "$report"
expect '^argv=-m 64 -netdev tap,id=net0,fd=3 -device virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56$' "$report"
# The emulator gets the caller's environment, also what secure mode hid from taplaunch.
expect '^env TMPDIR=/tmp/callers$' "$report"
expect '^env LD_LIBRARY_PATH=/opt/callers$' "$report"
expect '^env NLCB=debug$' "$report"
no_taps "the capable launch exited"
# The port lock needs nothing the capability does not give: every step taken, port locked.
status=0
as_user "$capable" -v --nic bridge=br0,lock=ip,ip=10.0.0.5 -- qemu-system-x86_64 >"$report" 2>"$errors" || status=$?
[ "$status" -eq 0 ] || { cat "$report" "$errors" >&2; tl_fail "the capable launch with lock=ip exited $status"; }
expect '^taplaunch: nic 0: filter what the guest sends into tap0: lock=ip' "$errors"
expect '^taplaunch: nic 0: set port flags of tap0 on bridge br0: locked on, learning off, flood off$' "$errors"
expect '^taplaunch: nic 0: pin 52:54:00:.* to port tap0 of bridge br0' "$errors"
no_taps "the capable launch with lock=ip exited"
# An fd the caller passes in goes through; nothing else of taplaunch's does.
as_user bash -c 'exec 3</dev/null; exec "$@"' bash "$capable" --nic bridge=br0 -- qemu-system-x86_64 \
  >"$report" 2>"$errors" || { cat "$errors" >&2; tl_fail "the capable launch with fd 3 passed in failed"; }
expect '^fds=0,1,2,3,4$' "$report"
expect '^tap fd=4 ifname=tap0 .* master=br0 up=1$' "$report"
expect '^credentials .* CapInh=0000000000000000 CapPrm=0000000000000000 CapEff=0000000000000000 CapAmb=0000000000000000$' "$report"

# libnl's NLCB=debug (a dump of every netlink message) does not reach libnl in the capable
# process: a launch on a bridge that does not exist ends after taplaunch's netlink queries,
# with its output flushed (the emulator above, which links libnl too, got it and may dump).
status=0
NLCB=debug NLDBG=7 as_user "$capable" --nic bridge=br9 -- qemu-system-x86_64 >"$report" 2>&1 || status=$?
[ "$status" -eq 2 ] || { cat "$report" >&2; tl_fail "the capable launch on a missing bridge exited $status"; }
expect "bridge 'br9' does not exist" "$report"
if grep -q 'Debug' "$report"; then
  cat "$report" >&2
  tl_fail "libnl read NLCB in the capable process"
fi
# It does reach libnl in an ordinary run (so the check above can fail): root's.
status=0
NLCB=debug ip netns exec "$TL_NS" "$taplaunch" --nic bridge=br9 -- "$work/bin/qemu-system-x86_64" \
  >"$report" 2>&1 || status=$?
[ "$status" -eq 2 ] || tl_fail "root's launch on a missing bridge exited $status"
grep -q 'Debug' "$report" || { cat "$report" >&2; tl_fail "NLCB=debug had no effect on root's run: the check above proves nothing"; }

# Refused: br1, and a QEMU bridge form on br1 (the same check).
refused "^taplaunch: nic 0: bridge 'br1' is not allowed for uid $uid: no line of '$acl' allows it \(an administrator may add 'allow br1' to '$acl'\)\$" \
  --nic bridge=br1 -- qemu-system-x86_64
refused "nic 1: bridge 'br1' is not allowed" --nic bridge=br1 -- qemu-system-x86_64 -nic bridge,br=br0 -nic bridge,br=br1
refused "nic 0: mtu 1400 is below bridge br0's MTU 1500" --nic bridge=br0,mtu=1400 -- qemu-system-x86_64

# Nothing the caller controls points a capable run at another ACL.
write_acl $'allow br0\n'
printf 'allow all\n' >"$work/etc/allow-all.conf"
chmod 644 "$work/etc/allow-all.conf"
for variable in TAPLAUNCH_BRIDGE_ACL TAPLAUNCH_BRIDGE_CONF TAPLAUNCH_SYSCONFDIR TAPLAUNCH_ACL QEMU_BRIDGE_CONF; do
  status=0
  export "$variable=$work/etc/allow-all.conf"
  as_user "$capable" --nic bridge=br1 -- qemu-system-x86_64 >"$report" 2>"$errors" || status=$?
  unset "$variable"
  [ "$status" -eq 2 ] || { cat "$report" "$errors" >&2; tl_fail "$variable: exit $status"; }
  expect "bridge 'br1' is not allowed for uid $uid: no line of '$acl' allows it" "$errors"
done
SYSCONFDIR="$work/etc" XDG_CONFIG_HOME="$work/etc" HOME="$work/etc" \
  as_user "$capable" --nic bridge=br1 -- qemu-system-x86_64 >"$report" 2>"$errors" && tl_fail "HOME/XDG opened br1"
expect "no line of '$acl' allows it" "$errors"

# Secure mode keeps no cache of QEMU's options: the caller's cache directory is hidden from a
# capable taplaunch. It still asks the real QEMU (without capabilities) for --dry-run; the same
# dry run by a taplaunch without the capability writes the cache, so the check can fail.
if real_qemu=$(command -v qemu-system-x86_64) && [ "$(readlink -f "$real_qemu")" != "$(readlink -f "$fake_bin/qemu-system-x86_64")" ]; then
  mkdir -m 700 "$work/cache" && chown "$uid" "$work/cache"
  XDG_CACHE_HOME="$work/cache" as_user "$capable" --dry-run -- "$real_qemu" -m 64 >"$report" 2>"$errors" \
    || { cat "$report" "$errors" >&2; tl_fail "the capable dry run on $real_qemu failed"; }
  expect "^QEMU options: $real_qemu -help \(QEMU [0-9]" "$report"
  [ ! -e "$work/cache/taplaunch" ] || tl_fail "a capable taplaunch wrote a cache in the caller's directory"
  cp "$taplaunch" "$work/bin/taplaunch-plain" && chmod 755 "$work/bin/taplaunch-plain"
  XDG_CACHE_HOME="$work/cache" as_user "$work/bin/taplaunch-plain" --dry-run -- "$real_qemu" -m 64 >"$report" 2>"$errors" \
    || { cat "$report" "$errors" >&2; tl_fail "the plain dry run on $real_qemu failed"; }
  ls "$work/cache/taplaunch/"*.qemu-options >/dev/null 2>&1 || tl_fail "a plain taplaunch wrote no cache, so the check above proves nothing"
  echo "QEMU option cache: none in secure mode; written by the plain binary"
fi
refused "unrecognised option '--bridge-acl'|unknown option.*bridge-acl|bridge-acl" \
  --bridge-acl "$work/etc/allow-all.conf" --nic bridge=br1 -- qemu-system-x86_64
printf 'emulator = qemu-system-x86_64\nbridge-acl = %s\nnic = bridge=br1\n' "$work/etc/allow-all.conf" >"$work/etc/profile.ini"
chmod 644 "$work/etc/profile.ini"
refused "unknown key 'bridge-acl'" --profile "$work/etc/profile.ini"
no_taps "the attempts at another ACL"

# deny all wins over allow br0, wherever it stands.
write_acl $'deny all\nallow br0\n'
refused "nic 0: bridge 'br0' is not allowed for uid $uid: denied by '$acl' line 1 \(deny all\)" \
  --nic bridge=br0 -- qemu-system-x86_64

# include: another root-owned file, as /etc/qemu/bridge.conf would be.
printf 'allow br1\n' >"$work/etc/qemu-bridge.conf"
chmod 644 "$work/etc/qemu-bridge.conf"
write_acl "allow br0
include $work/etc/qemu-bridge.conf
"
as_user "$capable" --nic bridge=br1 -- qemu-system-x86_64 >"$report" 2>"$errors" || { cat "$errors" >&2; tl_fail "the included allow br1 did not work"; }
expect '^tap fd=3 ifname=tap0 .* master=br1 up=1$' "$report"
expect '^credentials .* CapEff=0000000000000000 ' "$report"
# A file whose group is not root's applies to that group alone (its real gid), as in QEMU.
chgrp "$gid" "$work/etc/qemu-bridge.conf"
chmod 640 "$work/etc/qemu-bridge.conf"
as_user "$capable" --nic bridge=br1 -- qemu-system-x86_64 >"$report" 2>"$errors" || { cat "$errors" >&2; tl_fail "the user's group's allow br1 did not work"; }
expect '^tap fd=3 ifname=tap0 .* master=br1 up=1$' "$report"
chgrp nogroup "$work/etc/qemu-bridge.conf"
chmod 644 "$work/etc/qemu-bridge.conf"
refused "bridge 'br1' is not allowed for uid $uid: no line of '$acl' allows it" --nic bridge=br1 -- qemu-system-x86_64
chgrp 0 "$work/etc/qemu-bridge.conf"
# An included file the user could change is not taken.
chown "$uid" "$work/etc/qemu-bridge.conf"
refused "bridge ACL '$work/etc/qemu-bridge.conf' may be changed by someone other than root" \
  --nic bridge=br1 -- qemu-system-x86_64
chown 0 "$work/etc/qemu-bridge.conf"

# A malformed line is an error naming the file and line.
write_acl $'allow br0\nallow br1 br2\n'
refused "bridge ACL '$acl' line 2: 'allow br1 br2' has more than one word" --nic bridge=br0 -- qemu-system-x86_64

# A missing ACL denies every bridge.
rm -f "$acl"
refused "bridge 'br0' is not allowed for uid $uid: '$acl' does not exist, so no bridge is allowed" \
  --nic bridge=br0 -- qemu-system-x86_64

# --owner another user is refused; the user's own name is fine (below).
write_acl $'allow br0\n'
refused "^taplaunch: --owner root: only root may give TAPs to another user" \
  --owner root --nic bridge=br0 -- linux

# UML by name: a persistent TAP that is the user's, supervised; the emulator (and the version
# probe, where this host's XSAVE area makes taplaunch ask) hold no capability; the supervisor
# removes the TAP afterwards.
TL_INSPECT_SLEEP=2 as_user "$capable" -v --owner "$user" --name umlguest --nic bridge=br0,ifname=umltap0 \
  -- linux mem=64M >"$report" 2>"$errors" &
supervisor=$!
for _ in $(seq 50); do
  ip -n "$TL_NS" link show umltap0 2>/dev/null | grep -q ',UP' && break
  sleep 0.1
done
details=$(ip -n "$TL_NS" -d link show umltap0)
grep -q "persist on user $user" <<<"$details" || { echo "$details" >&2; tl_fail "the persistent TAP is not the user's"; }
grep -Eq "alias taplaunch pid=[0-9]+ start=[0-9]+ pidns=[0-9]+ guest=umlguest mac=[0-9a-f:]+ uid=$uid\$" <<<"$details" \
  || { echo "$details" >&2; tl_fail "the TAP's record lacks the user's uid"; }
wait "$supervisor" || { cat "$report" "$errors" >&2; tl_fail "the supervised UML launch failed"; }
expect "^credentials uid=$uid CapInh=0000000000000000 CapPrm=0000000000000000 CapEff=0000000000000000 CapAmb=0000000000000000\$" "$report"
expect '^fds=0,1,2$' "$report"
if grep -q 'preload' "$errors"; then
  expect "UML 6.1.0-inspect uid=$uid CapInh=0000000000000000 CapPrm=0000000000000000 CapEff=0000000000000000 CapAmb=0000000000000000 transfers" "$errors"
else
  echo "note: this host's XSAVE area needs no version probe; its capabilities were not seen" >&2
fi
no_taps "the supervised UML guest exited"

# gc: another user's TAP (root's launch) is refused; the user's own dead one is removed.
ip -n "$TL_NS" tuntap add roots0 mode tap user 0
ip -n "$TL_NS" link set roots0 alias "taplaunch pid=1 start=1 guest=old uid=0"
ip -n "$TL_NS" tuntap add given0 mode tap user "$uid"
ip -n "$TL_NS" link set given0 alias "taplaunch pid=1 start=1 guest=old uid=0"
ip -n "$TL_NS" tuntap add mine0 mode tap user "$uid"
ip -n "$TL_NS" link set mine0 alias "taplaunch pid=1 start=1 guest=old uid=$uid"
as_user "$capable" gc >"$report" 2>"$errors" || { cat "$report" "$errors" >&2; tl_fail "the user's gc failed"; }
expect "^kept roots0 \(guest old\): refused, it belongs to uid 0 and only root or uid 0 may remove it\$" "$report"
expect "^kept given0 \(guest old\): refused, it belongs to uid 0" "$report"
expect "^removed mine0 " "$report"
expect "^gc: removed 1 TAP, kept 2, checked 3\$" "$report"
ip -n "$TL_NS" link show roots0 >/dev/null 2>&1 || tl_fail "the user's gc removed root's TAP"
ip -n "$TL_NS" link show given0 >/dev/null 2>&1 || tl_fail "the user's gc removed a TAP root gave it"
ip -n "$TL_NS" link show mine0 >/dev/null 2>&1 && tl_fail "the user's gc left its own dead TAP"
# Root removes them.
ip netns exec "$TL_NS" "$taplaunch" gc >"$report"
expect "^gc: removed 2 TAPs, kept 0, checked 2\$" "$report"

echo "PASS"
