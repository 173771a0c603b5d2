#!/bin/sh
# The shell way to a bridge, as a hand-written launch script does it: per NIC, `ip tuntap add`
# and one `ip link set` per change, in taplaunch's order (MAC with first byte 0xFE, the
# bridge's MTU, master, up), then exec the emulator (which would open the TAPs by name).
#   shell_launch.sh COUNT BRIDGE -- EMULATOR [ARGS...]
# The TAPs are persistent: whoever runs this removes them after the emulator has gone.
set -e
count=$1 bridge=$2
shift 3
read -r mtu <"/sys/class/net/$bridge/mtu"
i=0
while [ "$i" -lt "$count" ]; do
  tap=tap$i
  ip tuntap add dev "$tap" mode tap vnet_hdr
  # Decimal digits as hex digits: a unique MAC per NIC without forking a subshell.
  ip link set dev "$tap" address "fe:54:00:00:$((i / 1000 % 10))$((i / 100 % 10)):$((i / 10 % 10))$((i % 10))"
  ip link set dev "$tap" mtu "$mtu"
  ip link set dev "$tap" master "$bridge"
  ip link set dev "$tap" up
  i=$((i + 1))
done
exec "$@"
