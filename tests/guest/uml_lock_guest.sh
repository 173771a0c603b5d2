#!/bin/sh
# Run inside a UML guest behind lock=ip (tests/guest/uml_lock.sh): DEV ADDR/PREFIX PEER.
# Exits 0 when the peer is silent to a spoofed MAC and to an address not given, and answers
# the guest's own again.
dev=$1 own=$2 peer=$3
mac=$(cat /sys/class/net/"$dev"/address)
reaches() {  # any echo reply within about 3 s
  ping -c 6 -i 0.5 -W 1 -I "$dev" "$peer" >/dev/null 2>&1
}
set_mac() { ip link set "$dev" down && ip link set "$dev" address "$1" && ip link set "$dev" up; }

set_mac 52:54:00:10:c0:99
if reaches; then echo "lock-check: a spoofed MAC reached the host"; exit 1; fi
echo "lock-check: spoofed MAC silent"
set_mac "$mac"
ip addr flush dev "$dev" && ip addr add 10.77.0.9/24 dev "$dev"
if reaches; then echo "lock-check: an address not in ip= reached the host"; exit 1; fi
echo "lock-check: other address silent"
ip addr flush dev "$dev" && ip addr add "$own" dev "$dev"
for _ in 1 2 3; do
  if reaches; then echo "lock-check: own again reaches the host"; exit 0; fi
done
echo "lock-check: the guest's own address no longer reaches the host"
exit 1
