#!/usr/bin/env bash
# taplaunch@.service from the package, run by a real systemd: a fresh Debian root of the machine's suite booted in
# systemd-nspawn, in a network namespace of its own, with a bridge br0. Stand-ins named like
# QEMU and UML write down how they were started and wait like a guest.
# - QEMU (exec): the emulator is the unit's main process and holds the TAP fd; its working
#   directory and HOME are the guest's state directory, where the profile's relative disk
#   path points; stopping the unit ends it and the TAP goes with it.
# - UML (supervised): taplaunch is the main process and the emulator its child; the TAP is
#   persistent; stopping the unit (SIGTERM to taplaunch only: KillMode=mixed) ends the
#   emulator and removes the TAP, and the unit ends cleanly.
# - A supervisor killed with SIGKILL: ExecStopPost's taplaunch gc removes its TAP.
# Usage: systemd_unit.sh WORK   (WORK/root: a fresh root with taplaunch, see fresh_install.sh)
set -euo pipefail
root=$(realpath "$1/root")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/container.sh"
container_require_tools systemd-nspawn nsenter
[ -x "$root/usr/bin/taplaunch" ] || container_fail "no installed taplaunch in $root (run fresh_install.sh first)"

for emulator in qemu-system-x86_64 linux; do
  cat >"$root/usr/local/bin/$emulator" <<'STANDIN'
#!/bin/sh
# Stand-in for QEMU or UML: writes where and how it runs to standin.log in its working
# directory, then waits like a guest until a signal ends it. Answers --version (taplaunch
# asks UML for its version) and exits.
if [ "$1" = --version ]; then
  echo "stand-in 1.0"
  exit 0
fi
{
  echo "pid $$"
  echo "ppid $PPID"
  echo "cwd $(pwd)"
  echo "home $HOME"
  echo "disk $(readlink -f disk.img)"
  echo "tap_fds $(ls -l /proc/$$/fd | grep -c /dev/net/tun)"
  mkdir -p "$HOME/.uml" && echo "home_writable yes"
  echo "args $*"
} >standin.log
exec sleep infinity
STANDIN
  chmod 755 "$root/usr/local/bin/$emulator"
done
mkdir -p "$root/etc/taplaunch/profiles"
cat >"$root/etc/taplaunch/profiles/web.ini" <<'EOF'
emulator = qemu-system-x86_64
args = -m 256 -drive file=disk.img,if=virtio
nic = bridge=br0
EOF
cat >"$root/etc/taplaunch/profiles/umlguest.ini" <<'EOF'
emulator = linux
args = mem=64M ubd0=disk.img
nic = bridge=br0
EOF
for guest in web umlguest; do
  mkdir -p "$root/var/lib/taplaunch/$guest"
  touch "$root/var/lib/taplaunch/$guest/disk.img"
done
cleanup() {
  container_stop
  rm -rf "$root/etc/taplaunch" "$root/var/lib/taplaunch" "$root/usr/local/bin/qemu-system-x86_64" \
    "$root/usr/local/bin/linux"
}
trap cleanup EXIT

start=$SECONDS
container_boot "$root" "$1/boot.log"
echo "booted the container in $((SECONDS - start)) s: $(container_exec systemctl --version | sed -n 1p)"
container_exec ip link add br0 type bridge
container_exec ip link set br0 up

# In the container: the unit's property $2, a field of the stand-in's log of guest $1, the TAPs.
property() { container_exec systemctl show -P "$2" "taplaunch@$1.service"; }
logged() { sed -n "s/^$2 //p" "$root/var/lib/taplaunch/$1/standin.log"; }
taps_on_br0() { container_exec ip -o link show master br0 | cut -d' ' -f2 | tr -d : | tr '\n' ' '; }
check() { [ "$2" = "$3" ] || container_fail "$1: '$2', expected '$3'"; echo "  $1: $2"; }
journal() { container_exec journalctl --no-pager -q -o cat -u "taplaunch@$1.service"; }
started() {
  rm -f "$root/var/lib/taplaunch/$1/standin.log"
  container_exec systemctl start "taplaunch@$1.service"
  local tries
  for tries in $(seq 50); do
    [ -s "$root/var/lib/taplaunch/$1/standin.log" ] && grep -q '^args ' "$root/var/lib/taplaunch/$1/standin.log" && return 0
    sleep 0.1
  done
  journal "$1" >&2
  container_fail "taplaunch@$1 did not start its emulator"
}

verify=$(container_exec systemd-analyze verify --man=no taplaunch@web.service 2>&1) ||
  container_fail "systemd-analyze verify in the container: $verify"
[ -z "$verify" ] || container_fail "systemd-analyze verify in the container: $verify"
echo "systemd-analyze verify taplaunch@web.service: no remarks"

echo "QEMU guest (exec): systemctl start taplaunch@web"
started web
main=$(property web MainPID)
check "active state" "$(property web ActiveState)" active
check "main PID is the emulator's" "$(logged web pid)" "$main"
check "main process" "$(container_exec cat "/proc/$main/comm")" sleep
check "TAP fds the emulator holds" "$(logged web tap_fds)" 1
check "working directory" "$(logged web cwd)" /var/lib/taplaunch/web
check "HOME" "$(logged web home)" /var/lib/taplaunch/web
check "the profile's relative disk.img" "$(logged web disk)" /var/lib/taplaunch/web/disk.img
check "TAPs on br0" "$(taps_on_br0)" "tap0 "
container_exec systemctl stop taplaunch@web.service
check "after stop: active state" "$(property web ActiveState)" inactive
check "after stop: result" "$(property web Result)" success
check "after stop: TAPs on br0" "$(taps_on_br0)" ""

echo "UML guest (supervised): systemctl start taplaunch@umlguest"
started umlguest
main=$(property umlguest MainPID)
check "main process" "$(container_exec cat "/proc/$main/comm")" taplaunch
check "the emulator's parent" "$(logged umlguest ppid)" "$main"
check "working directory" "$(logged umlguest cwd)" /var/lib/taplaunch/umlguest
check "HOME is writable (UML's ~/.uml)" "$(logged umlguest home_writable)" yes
check "TAPs on br0" "$(taps_on_br0)" "tap0 "
container_exec ip -d link show tap0 | grep 'persist on' >/dev/null || container_fail "tap0 is not persistent"
container_exec ip -d link show tap0 | grep "alias taplaunch pid=$main .*guest=umlguest" >/dev/null ||
  container_fail "tap0 has no owner record of pid $main: $(container_exec ip -d link show tap0)"
echo "  tap0: persistent, owner record of pid $main"
container_exec systemctl stop taplaunch@umlguest.service
check "after stop: active state" "$(property umlguest ActiveState)" inactive
check "after stop: result" "$(property umlguest Result)" success
check "after stop: TAPs on br0" "$(taps_on_br0)" ""
container_exec ip link show tap0 >/dev/null 2>&1 && container_fail "tap0 is still there after stop"
echo "  tap0: removed by the supervisor"

echo "UML guest whose supervisor gets SIGKILL"
started umlguest
main=$(property umlguest MainPID)
check "TAPs on br0" "$(taps_on_br0)" "tap0 "
container_exec systemctl kill --kill-whom=main --signal=SIGKILL taplaunch@umlguest.service
for tries in $(seq 100); do
  [ "$(property umlguest ActiveState)" = active ] || [ "$(property umlguest ActiveState)" = deactivating ] || break
  sleep 0.1
done
check "after SIGKILL: result" "$(property umlguest Result)" signal
check "after SIGKILL: TAPs on br0" "$(taps_on_br0)" ""
journal umlguest | grep "^removed tap0 (guest umlguest, supervisor pid $main is gone)$" >/dev/null ||
  container_fail "ExecStopPost's gc did not remove tap0: $(journal umlguest | tail -5)"
echo "  ExecStopPost: $(journal umlguest | grep '^removed tap0')"
container_exec systemctl reset-failed taplaunch@umlguest.service

echo "taplaunch@.service under systemd: all cases passed ($((SECONDS - start)) s)"
