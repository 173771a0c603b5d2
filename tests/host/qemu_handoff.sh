#!/usr/bin/env bash
# The QEMU hand-off on a real bridge: the emulator taplaunch execs (a stand-in named
# qemu-system-x86_64) must find each TAP on the planned fd with the right flags, the 0xFE/0xFA
# MAC, the bridge's MTU, attached and up; nothing else inherited; the same PID as taplaunch;
# and no TAP left once it exits.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"

tl_netns_create handoff
tl_make_bridge br0
tl_set_runner "$fake_bin"
tl_make_bridge br1
ip -n "$TL_NS" link set br1 mtu 1400
ip -n "$TL_NS" link set br1-up mtu 1400
report=$(mktemp)
trap 'rm -f "$report"; tl_netns_cleanup' EXIT

expect() {  # expect PATTERN: the report has a line matching the extended regex
  grep -Eq -- "$1" "$report" || { cat "$report" >&2; tl_fail "report lacks: $1"; }
}

# Three NICs: virtio (vnet_hdr), e1000 (none), and a guest MAC starting with fe (-> fa).
"${TL_RUN[@]}" "$taplaunch" \
  --nic bridge=br0,mac=52:54:00:12:34:56 \
  --nic bridge=br1,mac=02:00:00:00:00:01,model=e1000,ifname=guest%d \
  --nic bridge=br0,mac=fe:00:00:aa:bb:cc,ifname=exact-name,mtu=1280 \
  -- qemu-system-x86_64 -m 64 -name 'a guest' >"$report" &
launcher_pid=$!
wait "$launcher_pid" || tl_fail "taplaunch exited $?"

expect "^pid=$launcher_pid\$"
expect '^fds=0,1,2,3,4,5$'
expect '^argv=-m 64 -name a guest -netdev tap,id=net0,fd=3 -device virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56 -netdev tap,id=net1,fd=4 -device e1000,netdev=net1,mac=02:00:00:00:00:01 -netdev tap,id=net2,fd=5 -device virtio-net-pci,netdev=net2,mac=fe:00:00:aa:bb:cc,host_mtu=1280$'
expect '^tap fd=3 ifname=tap0 tap=1 no_pi=1 vnet_hdr=1 persist=0 cloexec=0 mac=fe:54:00:12:34:56 mtu=1500 master=br0 up=1$'
expect '^tap fd=4 ifname=guest0 tap=1 no_pi=1 vnet_hdr=0 persist=0 cloexec=0 mac=fe:00:00:00:00:01 mtu=1400 master=br1 up=1$'
expect '^tap fd=5 ifname=exact-name tap=1 no_pi=1 vnet_hdr=1 persist=0 cloexec=0 mac=fa:00:00:aa:bb:cc mtu=1280 master=br0 up=1$'

# Non-persistent: the TAPs went with the emulator.
if ip -n "$TL_NS" -o link show type tun | grep -q .; then
  ip -n "$TL_NS" -o link show type tun >&2
  tl_fail "a TAP outlived the emulator"
fi

# An fd the caller passes in goes through untouched; the TAP takes the next free number.
"${TL_RUN[@]}" sh -c 'exec 3</dev/null; exec "$@"' sh "$taplaunch" --nic bridge=br0 \
  -- qemu-system-x86_64 >"$report"
expect '^fds=0,1,2,3,4$'
expect '^tap fd=4 ifname=tap0 .* master=br0 up=1$'
expect '^argv=-netdev tap,id=net0,fd=4 -device virtio-net-pci,netdev=net0,mac=52:54:00:95:1e:6c$'

# The emulator's exit status is the launch's: taplaunch is gone after exec.
status=0
TL_INSPECT_EXIT=7 "${TL_RUN[@]}" "$taplaunch" --nic bridge=br0 \
  -- qemu-system-x86_64 >"$report" || status=$?
[ "$status" -eq 7 ] || tl_fail "expected the emulator's status 7, got $status"
echo "PASS"
