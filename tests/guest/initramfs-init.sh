#!/bin/sh
# /init of the guest-test initramfs (built by make-initramfs.sh). Runs under busybox as PID 1:
# loads the NIC drivers, gives each NIC an address, pings a peer through each, reports on the
# console, and powers off (QEMU started with -no-reboot then exits).
#
# Kernel command line:
#   tl.ip=ADDR/PREFIX[,ADDR/PREFIX...]  an address for the 1st, 2nd, ... NIC (PCI order); "dhcp"
#                                       for one that asks DHCP (udhcpc) for its address and
#                                       default route
#   tl.peer=ADDR[,ADDR...]              the address each NIC pings (one per tl.ip)
#   tl.count=N                          echo requests shown for each peer (default 3)
#   tl.wait=SECONDS                     how long each peer may take to answer (default 20)
#   tl.wget=URL[,URL...]                after the pings, download each URL and report its size
#                                       and MD5 (TCP through the NIC's offloads, end to end)
#   tl.spread=1                         after the pings, ping each peer from every CPU in turn
#                                       (taskset) and report which queues of a virtio NIC took
#                                       the traffic (the driver maps transmit queue K to CPU K)
#   tl.iperf=ADDR                       after the pings, `iperf3 -c ADDR -t TIME -f m` (the
#                                       archive must carry iperf3: make-initramfs.sh --program)
#   tl.iperf_time=SECONDS               (default 4)
#   tl.iperf_args=ARG[:ARG...]          further iperf3 client arguments, ':' for a space
#                                       (-R: the host sends; -P:4: four streams)
#   tl.hold=SECONDS                     stay up this long after the result line before powering
#                                       off (the host may inspect the running guest's devices)
#   tl.shell=1                          open a shell on the console instead of powering off
#   tl.spoof=MAC,ADDR/PREFIX            after the pings, on the first NIC (for a locked port):
#                                       with MAC as its address, then with ADDR, the peer must
#                                       not answer; back on its own MAC and address, it must
#                                       (lines "spoof mac silent", "spoof addr silent",
#                                       "spoof own answered", or "... failed")
#
# Console lines for the host to check, each starting with "TAPLAUNCH-GUEST: ":
#   (progress lines for people, then, per NIC, once all are up:)
#   queues iface=eth0 driver=virtio_net rx=4 tx=4 cpus=4
#                                 the receive and transmit queues the driver set up (the rx-N
#                                 and tx-N under /sys/class/net/IF/queues), and the online CPUs
#   (then, per NIC:)
#   dhcp ok iface=eth0 addr=10.0.2.57/24 uptime=2.10 | dhcp failed iface=eth0
#   ping ok iface=eth0 driver=virtio_net mac=52:54:00:12:34:56 addr=10.77.0.2/24 peer=10.77.0.1 uptime=3.52
#   ping failed iface=... (same fields)
#   spread iface=eth0 input=21,20,19,20 output=22,19,20,21
#                                 (tl.spread=1, virtio NICs) the interrupts each queue's vector
#                                 took during those pings: receive queues, then transmit queues
#   wget ok url=URL bytes=N md5=HEX | wget failed url=URL
#   iperf mbit_per_s=812 server=10.77.0.1 time=4 args=-R   (the sender's sum over all streams)
#   error <what went wrong>
#   result ok | result failed     (always the last one before power-off)

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox --install -s   # a link per applet (it finds itself through /proc/self/exe)
# The kernel opened /dev/console for us when the archive has the node; make sure either way.
exec </dev/console >/dev/console 2>&1

say() { echo "TAPLAUNCH-GUEST: $*"; }
uptime_s() { read -r up _ </proc/uptime; echo "$up"; }

finish() {  # finish ok|failed
  say "result $1"
  [ "$hold" = 0 ] || sleep "$hold"
  if [ "$shell" = 1 ]; then
    echo "tl.shell=1: starting a shell; 'poweroff -f' ends the guest"
    setsid cttyhack sh
  fi
  sync
  poweroff -f
  sleep 5   # poweroff -f does not return; keep PID 1 alive until it takes effect
}

ips="" peers="" urls="" count=3 wait=20 spread=0 hold=0 shell=0 iperf="" iperf_time=4 iperf_args=""
spoof=""
for word in $(cat /proc/cmdline); do
  case "$word" in
    tl.ip=*) ips=${word#tl.ip=} ;;
    tl.peer=*) peers=${word#tl.peer=} ;;
    tl.count=*) count=${word#tl.count=} ;;
    tl.wait=*) wait=${word#tl.wait=} ;;
    tl.wget=*) urls=${word#tl.wget=} ;;
    tl.spread=*) spread=${word#tl.spread=} ;;
    tl.hold=*) hold=${word#tl.hold=} ;;
    tl.spoof=*) spoof=${word#tl.spoof=} ;;
    tl.shell=*) shell=${word#tl.shell=} ;;
    tl.iperf=*) iperf=${word#tl.iperf=} ;;
    tl.iperf_time=*) iperf_time=${word#tl.iperf_time=} ;;
    tl.iperf_args=*) iperf_args=${word#tl.iperf_args=} ;;
  esac
done
ips=$(echo "$ips" | tr ',' ' ')
peers=$(echo "$peers" | tr ',' ' ')
set -- $ips
nics_wanted=$#
set -- $peers
if [ "$nics_wanted" -eq 0 ] || [ "$#" -ne "$nics_wanted" ]; then
  say "error need tl.ip= and tl.peer= with the same number of entries (got '$ips' and '$peers')"
  finish failed
fi

say "kernel up after $(uptime_s)s; loading the NIC drivers"
while read -r module; do
  insmod "/lib/modules/$module" || say "error insmod $module failed"
done </lib/modules/load-order

# The NICs other than lo, in the order of their PCI addresses, which is the order of QEMU's
# -device options (probe order, and so eth<N> numbering, depends on which driver loads first).
list_nics() {
  for dir in /sys/class/net/*; do
    [ "${dir##*/}" = lo ] && continue
    [ -e "$dir/device" ] || continue
    echo "$(readlink -f "$dir/device") ${dir##*/}"
  done | sort | while read -r _ name; do echo "$name"; done
}
driver_of() {
  driver=$(readlink -f "/sys/class/net/$1/device/driver")
  echo "${driver##*/}"
}
tries=0
while :; do
  nics=$(list_nics)
  set -- $nics
  [ "$#" -ge "$nics_wanted" ] && break
  tries=$((tries + 1))
  if [ "$tries" -gt 100 ]; then
    say "error found $# NIC(s) ($nics), wanted $nics_wanted"
    finish failed
  fi
  sleep 0.1
done

ip link set lo up
i=0
for nic in $nics; do
  i=$((i + 1))
  [ "$i" -gt "$nics_wanted" ] && break
  addr=$(echo "$ips" | cut -d' ' -f"$i")
  ip link set "$nic" up
  if [ "$addr" = dhcp ]; then
    # udhcpc's script gives the NIC the leased address and the default route.
    # -T 3: udhcpc gives up (-n) after 3 unanswered requests that follow an offer; at -T 1 a
    # server slowed by a loaded host (3 s to acknowledge) failed the guest in 6 s.
    printf '#!/bin/sh\ncase "$1" in bound|renew)\n  ip addr add "$ip/$mask" dev "$interface"\n  [ -z "$router" ] || ip route add default via "${router%%%% *}" dev "$interface" ;;\nesac\n' >/udhcpc.script
    chmod 0755 /udhcpc.script
    if udhcpc -i "$nic" -q -n -t 10 -T 3 -s /udhcpc.script >/udhcpc.log 2>&1; then
      addr=$(ip -4 -o addr show dev "$nic" | awk '{ print $4 }')
      say "dhcp ok iface=$nic addr=$addr uptime=$(uptime_s)"
    else
      sed 's/^/udhcpc: /' /udhcpc.log   # why, on the console
      say "dhcp failed iface=$nic"
      finish failed
    fi
  else
    ip addr add "$addr" dev "$nic" || say "error cannot add $addr to $nic"
  fi
  say "$nic ($(driver_of "$nic"), MAC $(cat "/sys/class/net/$nic/address"), MTU $(cat "/sys/class/net/$nic/mtu")) up with address $addr"
done
count_of() { [ -e "$1" ] && echo $# || echo 0; }   # count_of GLOB...: the paths it matched
cpus=$(grep -c '^processor' /proc/cpuinfo)   # the online CPUs
i=0
for nic in $nics; do
  i=$((i + 1))
  [ "$i" -gt "$nics_wanted" ] && break
  say "queues iface=$nic driver=$(driver_of "$nic") rx=$(count_of /sys/class/net/$nic/queues/rx-*) tx=$(count_of /sys/class/net/$nic/queues/tx-*) cpus=$cpus"
done

result=ok
i=0
for nic in $nics; do
  i=$((i + 1))
  [ "$i" -gt "$nics_wanted" ] && break
  addr=$(echo "$ips" | cut -d' ' -f"$i")
  peer=$(echo "$peers" | cut -d' ' -f"$i")
  mac=$(cat "/sys/class/net/$nic/address")
  # Quiet probes until the first reply (ARP, and a NIC whose link comes up late), then the
  # ping shown on the console, which passes when any of its requests gets a reply.
  up=$(uptime_s)
  deadline=$((${up%.*} + wait))
  while ! ping -q -c 1 -W 1 -I "$nic" "$peer" >/dev/null 2>&1; do
    up=$(uptime_s)
    [ "${up%.*}" -lt "$deadline" ] || break
    sleep 0.1   # when ping fails at once (no route yet)
  done
  if ping -c "$count" -i 0.2 -W 2 -I "$nic" "$peer"; then
    outcome=ok
  else
    outcome=failed
    result=failed
  fi
  say "ping $outcome iface=$nic driver=$(driver_of "$nic") mac=$mac addr=$addr peer=$peer uptime=$(uptime_s)"
done

# Per queue of a virtio NIC, the interrupts taken between two copies of /proc/interrupts, as
# "input=I0,I1,... output=O0,O1,...": virtio names the MSI-X vectors of device virtioN's queue K
# virtioN-input.K and virtioN-output.K. Prints nothing for other NICs.
queue_interrupts_between() {  # IFACE BEFORE AFTER
  device=$(readlink -f "/sys/class/net/$1/device")
  device=${device##*/}
  case "$device" in virtio*) ;; *) return 0 ;; esac
  awk -v dev="$device" '
    function total(   i, n) { n = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i; return n }
    index($NF, dev "-") != 1 { next }
    { split(substr($NF, length(dev) + 2), part, "."); kind = part[1]; queue = part[2] }
    kind != "input" && kind != "output" { next }
    FNR == NR { before[kind, queue] = total(); next }
    { taken[kind, queue] = total() - before[kind, queue]; if (queue + 1 > queues) queues = queue + 1 }
    function list(kind,   q, text) {
      for (q = 0; q < queues; q++) text = text (q ? "," : "") taken[kind, q]
      return text
    }
    END { if (queues) print "input=" list("input") " output=" list("output") }
  ' "$2" "$3"
}
if [ "$spread" = 1 ]; then
  i=0
  for nic in $nics; do
    i=$((i + 1))
    [ "$i" -gt "$nics_wanted" ] && break
    peer=$(echo "$peers" | cut -d' ' -f"$i")
    cat /proc/interrupts >/tmp/interrupts.before
    cpu=0
    while [ "$cpu" -lt "$cpus" ]; do
      taskset -c "$cpu" ping -q -c 5 -i 0.05 -W 2 -I "$nic" "$peer" >/dev/null \
        || { say "error ping from CPU $cpu through $nic failed"; result=failed; }
      cpu=$((cpu + 1))
    done
    cat /proc/interrupts >/tmp/interrupts.after
    taken=$(queue_interrupts_between "$nic" /tmp/interrupts.before /tmp/interrupts.after)
    [ -z "$taken" ] || say "spread iface=$nic $taken"
  done
fi

for url in $(echo "$urls" | tr ',' ' '); do
  # (busybox 1.35's wget -T crashes: bound it with timeout instead)
  if timeout 30 wget -q -O /tmp/download "$url"; then
    say "wget ok url=$url bytes=$(wc -c </tmp/download) md5=$(md5sum </tmp/download | cut -d' ' -f1)"
  else
    say "wget failed url=$url"
    result=failed
  fi
  rm -f /tmp/download
done

if [ -n "$spoof" ]; then
  nic=$(echo "$nics" | head -n 1)
  own_mac=$(cat "/sys/class/net/$nic/address")
  own_addr=$(echo "$ips" | cut -d' ' -f1)
  peer=$(echo "$peers" | cut -d' ' -f1)
  answers() { ping -q -c 6 -i 0.5 -w 4 -I "$nic" "$peer" >/dev/null 2>&1; }
  ip link set "$nic" down; ip link set "$nic" address "${spoof%%,*}"; ip link set "$nic" up
  if answers; then say "spoof mac failed: answered"; result=failed; else say "spoof mac silent"; fi
  ip link set "$nic" down; ip link set "$nic" address "$own_mac"; ip link set "$nic" up
  ip addr flush dev "$nic"; ip addr add "${spoof#*,}" dev "$nic"
  if answers; then say "spoof addr failed: answered"; result=failed; else say "spoof addr silent"; fi
  ip addr flush dev "$nic"; ip addr add "$own_addr" dev "$nic"
  if answers || answers; then say "spoof own answered"; else say "spoof own failed: silent"; result=failed; fi
fi

if [ -n "$iperf" ] && [ "$result" = ok ]; then
  # shellcheck disable=SC2046  # the ':'-separated arguments are split into words on purpose
  iperf3 -c "$iperf" -t "$iperf_time" -f m $(echo "$iperf_args" | tr ':' ' ') >/tmp/iperf.out 2>&1
  status=$?
  cat /tmp/iperf.out
  if [ "$status" -eq 0 ]; then
    # The last "sender" line is the sum over all streams (-f m: always Mbits/sec).
    mbps=$(sed -n 's|.* \([0-9.]*\) Mbits/sec.* sender$|\1|p' /tmp/iperf.out | tail -n 1)
    say "iperf mbit_per_s=$mbps server=$iperf time=$iperf_time args=$iperf_args"
  else
    say "error iperf3 -c $iperf failed with status $status"
    result=failed
  fi
fi
finish "$result"
