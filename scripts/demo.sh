#!/usr/bin/env bash
# The demo: boot a tiny Linux guest in QEMU on a bridge through taplaunch, and watch it ping
# the host across its TAP. Everything network-related happens in a private network namespace
# (taplaunch-demo), which is removed at the end, also on Ctrl-C or failure; the machine's own
# interfaces are never touched.
#
# Usage (as root, on Debian bookworm, from a clone of this repository):
#   scripts/demo.sh [MODEL]     MODEL: the guest NIC, virtio (default) or vmxnet3
# Exits 0 when the guest's ping got replies, non-zero otherwise.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${TAPLAUNCH_BUILD_DIR:-$top/build}
model=${1:-virtio}
ns=taplaunch-demo
guest_mac=52:54:00:12:34:56
bridge_address=10.77.0.1/24
guest_address=10.77.0.2/24

if [ -t 1 ]; then bold=$'\e[1m' green=$'\e[32m' red=$'\e[31m' plain=$'\e[0m'; else bold="" green="" red="" plain=""; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
show() { printf '  $ %s\n' "$*"; }           # a command, as the reader would type it
quote() {                                    # words as a shell reads them back, quoted only if needed
  local word out=()
  for word in "$@"; do
    if [[ $word =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then out+=("$word"); else out+=("'${word//\'/\'\\\'\'}'"); fi
  done
  echo "${out[*]}"
}
run() { show "$*"; "$@"; }                   # ... and run it
die() { printf '%sdemo: %s%s\n' "$red" "$*" "$plain" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run me as root (network namespaces, bridges and TAPs need it): sudo $0"
case $model in virtio | vmxnet3) ;; *) die "MODEL is virtio or vmxnet3, not '$model'" ;; esac

ns_created=no
log=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$ns_created" = yes ]; then
    step "Cleaning up"
    local pids
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
    run ip netns del "$ns" || true
  fi
  [ -z "$log" ] || rm -f "$log"
  exit "$status"
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted" >&2; exit 130' INT TERM

step "Installing what the build and the demo need (scripts/install-deps.sh)"
"$top/scripts/install-deps.sh"
echo "  all packages present"

step "Building taplaunch into $build"
build_log=$(mktemp)
if ! { cmake -S "$top" -B "$build" && cmake --build "$build" -j "$(nproc)"; } >"$build_log" 2>&1; then
  cat "$build_log" >&2
  rm -f "$build_log"
  die "the build failed"
fi
tail -n 1 "$build_log" | sed 's/^/  /'
rm -f "$build_log"
taplaunch=$build/launcher/taplaunch
[ -x "$taplaunch" ] || die "no $taplaunch after the build"

step "Building the guest's initramfs (busybox + NIC drivers, an /init that pings)"
initramfs=$build/demo/initramfs.cpio.gz
"$top/tests/guest/make-initramfs.sh" "$initramfs"
kernel=$(cat "$initramfs.kernel")
echo "  kernel:    $kernel"
echo "  initramfs: $initramfs"

step "Creating the private network namespace $ns: bridge br0 ($bridge_address) with a veth uplink"
if ip netns list | awk -v ns="$ns" '$1 == ns { found = 1 } END { exit !found }'; then
  echo "  removing $ns, left over from an earlier run"
  ip netns del "$ns"
fi
run ip netns add "$ns"
ns_created=yes
run ip -n "$ns" link set lo up
run ip -n "$ns" link add br0 type bridge
run ip -n "$ns" link add uplink0 address a0:36:9f:11:22:33 type veth peer name uplink0-peer
run ip -n "$ns" link set uplink0 master br0
run ip -n "$ns" link set uplink0 up
run ip -n "$ns" link set uplink0-peer up
run ip -n "$ns" link set br0 up
run ip -n "$ns" addr add "$bridge_address" dev br0
echo "  the namespace now holds:"
ip -n "$ns" -br link | sed 's/^/    /'

step "Booting the guest through taplaunch (QEMU under TCG; a few seconds)"
append="console=ttyS0 quiet panic=-1 tl.ip=$guest_address tl.peer=${bridge_address%/*}"
case $model in virtio) device=virtio-net-pci ;; *) device=$model ;; esac
# A QEMU command line as people write it, with QEMU's own bridge networking (-nic bridge,
# which would run the setuid qemu-bridge-helper); taplaunch goes in front, nothing else changes.
command=("$taplaunch" -v --
  qemu-system-x86_64 -nodefaults -no-user-config -display none -serial stdio -no-reboot
  -m 256 -kernel "$kernel" -initrd "$initramfs" -append "$append"
  -nic "bridge,br=br0,model=$device,mac=$guest_mac")
echo "  A plain QEMU command line with QEMU's own '-nic bridge,br=br0,...', taplaunch in front."
echo "  taplaunch creates tap0 (MAC fe:${guest_mac#52:}, attached to br0, up), rewrites that one"
echo "  option to '-nic tap,fd=3,...' and becomes QEMU. No setuid helper, no bridge.conf. The command:"
echo
show "ip netns exec $ns $(quote "${command[@]}")"
echo
log=$(mktemp)
started=$EPOCHREALTIME
set +e
# --foreground: Ctrl-C reaches QEMU too. The guest powers off by itself; 60 s is a safety net.
timeout --foreground -k 5 60 ip netns exec "$ns" "${command[@]}" </dev/null 2>&1 \
  | sed -u 's/\r$//' | tee "$log" | sed -u 's/^/  | /'
status=${PIPESTATUS[0]}
set -e
seconds=$(awk -v s="$started" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }')

step "Result"
leftover=$(ip -n "$ns" -o link show type tun)
if [ -z "$leftover" ]; then
  echo "  QEMU has exited (status $status, after ${seconds}s) and tap0 went with it: no TAP is left"
else
  echo "  TAP(s) still in the namespace: $leftover"
fi
if [ "$status" -eq 0 ] && grep -qx "TAPLAUNCH-GUEST: result ok" "$log"; then
  printf '  %sOK%s: the guest (MAC %s, %s) pinged the host at %s across tap0 and br0\n' \
    "$green" "$plain" "$guest_mac" "$guest_address" "${bridge_address%/*}"
  echo
  echo "  Next: put $taplaunch on your PATH (cmake --install $build, or"
  echo "  ln -s $taplaunch /usr/local/bin/) and try your own QEMU command line behind it:"
  echo "  taplaunch --dry-run -- qemu-system-x86_64 ... -nic bridge,br=br0  shows what it would do."
  exit 0
fi
[ "$status" -ne 124 ] || echo "  the guest did not finish within 60 s"
# QEMU exits 0 when it is stopped by a signal (Ctrl-C): say so, rather than a bare failure.
stopped=$(grep -o 'terminating on signal [0-9]*' "$log" | head -n 1 || true)
[ -z "$stopped" ] || echo "  QEMU was stopped before the guest finished ($stopped)"
printf '  %sFAILED%s: no successful ping from the guest (QEMU exit status %s)\n' "$red" "$plain" "$status"
exit 1
