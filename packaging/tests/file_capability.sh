#!/usr/bin/env bash
# The one documented command (setcap cap_net_admin+ep /usr/bin/taplaunch, taplaunch(1)) lets a
# user without root run guests on the bridges /etc/taplaunch/bridge.conf allows; the package never grants it by itself, keeps it across an
# upgrade once given, and an upgrade that cannot give it back warns and still succeeds: when
# setcap is missing, and when setcap fails as it does on a filesystem without extended
# attributes (simulated by a setcap that fails so).
# Usage: file_capability.sh DEB_DIR WORK   (WORK/root: a fresh root with taplaunch, see
# fresh_install.sh)
set -euo pipefail
deb=$(ls "$1"/taplaunch_*.deb) root=$2/root
here=$(cd "$(dirname "$0")" && pwd)
source "$here/container.sh"
container_require_tools systemd-nspawn
[ -x "$root/usr/bin/taplaunch" ] || container_fail "no installed taplaunch in $root (run fresh_install.sh first)"

in_root() { container_run "$root" --private-network -- "$@"; }
capability() { in_root getcap /usr/bin/taplaunch | sed 's|^/usr/bin/taplaunch *||'; }
reinstall() { in_root dpkg -i "/root/$(basename "$deb")" 2>&1; }

cp "$deb" "$root/root/"
cat >"$root/usr/local/bin/qemu-system-x86_64" <<'STANDIN'
#!/bin/sh
# Stand-in for QEMU: shows the TAP it was handed, and the bridge port it is.
[ "$1" = --version ] && { echo "stand-in 1.0"; exit 0; }
ls -l /proc/self/fd | grep -q /dev/net/tun && echo "the emulator holds a TAP fd"
ip -o link show master br0 | cut -d' ' -f2
grep '^CapEff:' /proc/self/status
STANDIN
chmod 755 "$root/usr/local/bin/qemu-system-x86_64"
in_root sh -c 'id guest >/dev/null 2>&1 || useradd --create-home guest'
# A bridge, then taplaunch as user guest, in a network namespace of the container's own. The
# container's /dev/net/tun is a copy of the host's (mode 0600 on some hosts): made 0666 there,
# as Debian's udev makes it, since CAP_NET_ADMIN does not bypass file modes.
run_as_guest() {
  in_root sh -c 'chmod 666 /dev/net/tun && ip link add br0 type bridge && ip link set br0 up &&
                 runuser -u guest -- taplaunch --nic bridge=br0 -- qemu-system-x86_64' 2>&1
}

[ -z "$(capability)" ] || container_fail "a fresh install gave taplaunch a capability: $(capability)"
if output=$(run_as_guest); then
  container_fail "user guest ran taplaunch without the capability: $output"
fi
echo "without the capability, user guest gets: $output"

in_root setcap cap_net_admin+ep /usr/bin/taplaunch
echo "after setcap cap_net_admin+ep: $(capability)"
# With the capability, an ordinary user may use the bridges /etc/taplaunch/bridge.conf allows:
# none while it does not exist.
if output=$(run_as_guest); then
  container_fail "user guest attached to br0 with no bridge ACL: $output"
fi
grep -q "bridge 'br0' is not allowed for uid [0-9]*: '/etc/taplaunch/bridge.conf' does not exist" <<<"$output" ||
  container_fail "without a bridge ACL, user guest got: $output"
echo "with the capability and no bridge ACL, user guest gets: $output"
in_root sh -c 'mkdir -p /etc/taplaunch && echo "allow br0" >/etc/taplaunch/bridge.conf'
output=$(run_as_guest) || container_fail "user guest cannot run taplaunch with the capability: $output"
grep -q "the emulator holds a TAP fd" <<<"$output" && grep -q '^tap0:' <<<"$output" ||
  container_fail "with the capability, the emulator did not get a TAP on br0: $output"
grep -qE '^CapEff:\s+0+$' <<<"$output" || container_fail "the emulator inherited capabilities: $output"
echo "with the capability, user guest's emulator gets: $(tr '\n' ' ' <<<"$output")"

output=$(reinstall) || container_fail "reinstalling failed: $output"
[ "$(capability)" = cap_net_admin=ep ] || container_fail "an upgrade lost the capability: '$(capability)'"
echo "after an upgrade (dpkg -i of the package again): $(capability)"

# No setcap: the upgrade succeeds and says what to do.
mv "$root/usr/sbin/setcap" "$root/usr/sbin/setcap.away"
output=$(reinstall) || { mv "$root/usr/sbin/setcap.away" "$root/usr/sbin/setcap"; container_fail "the upgrade failed without setcap: $output"; }
mv "$root/usr/sbin/setcap.away" "$root/usr/sbin/setcap"
grep -q "taplaunch: warning: .*setcap is missing (install libcap2-bin, then run: setcap cap_net_admin=ep /usr/bin/taplaunch)" <<<"$output" ||
  container_fail "no warning without setcap: $output"
echo "without setcap, the upgrade succeeds and warns: $(grep 'taplaunch: warning' <<<"$output")"

# setcap failing as on a filesystem without extended attributes.
in_root setcap cap_net_admin+ep /usr/bin/taplaunch
cat >"$root/usr/local/sbin/setcap" <<'FAILING'
#!/bin/sh
echo "Failed to set capabilities on file '$2': Operation not supported" >&2
exit 1
FAILING
chmod 755 "$root/usr/local/sbin/setcap"
output=$(reinstall) || { rm -f "$root/usr/local/sbin/setcap"; container_fail "the upgrade failed when setcap failed: $output"; }
rm -f "$root/usr/local/sbin/setcap"
grep -q "taplaunch: warning: .*Operation not supported (does the filesystem keep extended attributes?" <<<"$output" ||
  container_fail "no warning when setcap fails: $output"
echo "when setcap fails, the upgrade succeeds and warns: $(grep 'taplaunch: warning' <<<"$output")"

rm -f "$root/root/$(basename "$deb")" "$root/usr/local/bin/qemu-system-x86_64" "$root/etc/taplaunch/bridge.conf"
echo "file capability: all cases passed"
