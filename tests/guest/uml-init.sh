#!/bin/sh
# init= of the User-Mode Linux guest tests: PID 1 in UML, whose root filesystem is the HOST's
# (hostfs, booted read-only by uml_guest.sh). Mounts the guest kernel's own /proc, /sys and a
# tmpfs on /run, brings each NIC up, pings a peer through each, optionally runs an iperf3
# client, reports on the console and powers off (UML then exits 0).
#
# Host safety: boot with `ro` (uml_guest.sh does); this script writes only to the tmpfs it
# mounts on /run (iperf3 needs a writable TMPDIR). Its mounts exist only inside the guest.
# Not on /tmp: the host's /tmp stays visible, as a test's programs (and a checkout) may live
# there.
# Speed: every fork+exec costs UML 15-70 ms, so this script parses with shell builtins and
# uses the static busybox (about 20 ms an exec, against 30-70 ms for dynamic binaries).
#
# Kernel command line:
#   tl.if=NAME[,NAME...]               the NICs to set up: vec0, eth0, vec1, ...
#   tl.ip=ADDR/PREFIX[,ADDR/PREFIX...] an address for each NIC in tl.if; "dhcp" for one that
#                                      asks DHCP (busybox udhcpc) for its address and default
#                                      route
#   tl.peer=ADDR[,ADDR...]             the address each NIC pings; several for one NIC joined
#                                      with '+' (10.77.0.1+10.77.0.4): each must answer
#   tl.await=URL                       after those pings, wait (up to tl.await_time seconds,
#                                      default 60) until URL downloads: the host's sign that
#                                      every guest of a test is up
#   tl.nopeer=ADDR[+ADDR...][,...]     then, per NIC (an empty entry for none), addresses that
#                                      must NOT answer: no echo reply within tl.nowait seconds
#                                      (default 4)
#   tl.count=N                         echo requests shown for each peer (default 3)
#   tl.wait=SECONDS                    how long a peer may take to answer at first (default 20)
#   tl.iperf=ADDR                      then run `iperf3 -c ADDR -t TIME -f m` (client in the guest)
#   tl.iperf_time=SECONDS              (default 4)
#   tl.iperf_args=ARG[:ARG...]         extra iperf3 client arguments, ':' for a space (e.g. -R)
#   tl.run=PATH[:ARG...]               then run a host program (':' for a space) and report its
#                                      exit status; non-zero fails the result
#   tl.halt=poweroff|sysrq|reboot|none how to end (default poweroff = `poweroff -f`; none = stay
#                                      up until the host stops UML; reboot = `reboot -f`, and
#                                      UML boots again in the same process, forever)
#   tl.reboot_until=PATH               with tl.halt=reboot: power off instead once PATH exists
#                                      (on the host: the root is the host's), so a test can let
#                                      the guest reboot a given number of times
#
# Console lines for the host to check, each starting with "TAPLAUNCH-GUEST: ":
#   dhcp ok iface=vec0 addr=10.0.2.57/24 uptime=1.20 | dhcp failed iface=vec0
#   ping ok iface=vec0 mac=52:54:00:12:34:56 addr=10.77.0.2/24 peer=10.77.0.1 uptime=1.93
#   ping failed iface=... (same fields)
#   await ok url=URL | await failed url=URL
#   noreply ok iface=vec0 addr=10.77.0.2/24 peer=10.77.0.3 seconds=4 from=2.10 uptime=6.11
#                                 (nothing answered in the 4 s from uptime 2.10 to 6.11)
#   noreply failed iface=... (same fields)                               (a reply came)
#   iperf mbit_per_s=6806 server=10.77.0.1 time=4 args=   (the client's sender sum)
#   run status=N command=PATH ARG...   (after the program's own output)
#   error <what went wrong>
#   result ok | result failed     (always the last one before power-off)

# shellcheck disable=SC2086  # the unquoted expansions below split lists on purpose
set -f   # and never glob
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
BB=/bin/busybox

say() { echo "TAPLAUNCH-GUEST: $*"; }
uptime_now() { read -r now _ </proc/uptime; }   # sets $now

# The kernel has mounted devtmpfs on /dev (CONFIG_DEVTMPFS_MOUNT); /dev/console is open.
$BB mount -t proc proc /proc
$BB mount -t sysfs sysfs /sys
$BB mount -t tmpfs -o size=64m,mode=1777 tmpfs /run
TMPDIR=/run HOME=/run
export TMPDIR HOME

halt=poweroff
finish() {  # finish ok|failed
  say "result $1"
  case $halt in
    none) exec $BB sleep 2147483647 ;;
    sysrq) echo o >/proc/sysrq-trigger ;;
    reboot)
      if [ -n "$reboot_until" ] && [ -e "$reboot_until" ]; then
        $BB poweroff -f
      fi
      $BB reboot -f ;;   # UML re-executes itself (same PID) and boots again
    *) $BB poweroff -f ;;
  esac
  $BB sleep 5   # neither returns at once; PID 1 must not exit (that panics UML: status 134)
}

ifs="" ips="" peers="" nopeers="" await="" await_time=60 nowait=4 count=3 wait=20 iperf="" iperf_time=4 iperf_args="" run="" reboot_until=""
read -r cmdline </proc/cmdline
for word in $cmdline; do
  case "$word" in
    tl.if=*) ifs=${word#tl.if=} ;;
    tl.ip=*) ips=${word#tl.ip=} ;;
    tl.peer=*) peers=${word#tl.peer=} ;;
    tl.nopeer=*) nopeers=${word#tl.nopeer=} ;;
    tl.await=*) await=${word#tl.await=} ;;
    tl.await_time=*) await_time=${word#tl.await_time=} ;;
    tl.nowait=*) nowait=${word#tl.nowait=} ;;
    tl.count=*) count=${word#tl.count=} ;;
    tl.wait=*) wait=${word#tl.wait=} ;;
    tl.iperf=*) iperf=${word#tl.iperf=} ;;
    tl.iperf_time=*) iperf_time=${word#tl.iperf_time=} ;;
    tl.iperf_args=*) iperf_args=${word#tl.iperf_args=} ;;
    tl.halt=*) halt=${word#tl.halt=} ;;
    tl.run=*) run=${word#tl.run=} ;;
    tl.reboot_until=*) reboot_until=${word#tl.reboot_until=} ;;
  esac
done
IFS=,
set -- $ifs; n_if=$#
set -- $ips; n_ip=$#
set -- $peers; n_peer=$#
iperf_spec=$iperf_args
IFS=:
set -- $iperf_args
IFS=' '
iperf_args="$*"
unset IFS
if [ "$n_if" -eq 0 ] || [ "$n_ip" -ne "$n_if" ] || [ "$n_peer" -ne "$n_if" ]; then
  say "error need tl.if=, tl.ip= and tl.peer= with the same number of entries (got '$ifs', '$ips', '$peers')"
  finish failed
fi

$BB ip link set lo up
rest_if=$ifs, rest_ip=$ips,
while [ -n "$rest_if" ]; do
  nic=${rest_if%%,*} rest_if=${rest_if#*,}
  addr=${rest_ip%%,*} rest_ip=${rest_ip#*,}
  if [ ! -e "/sys/class/net/$nic" ]; then
    say "error no interface $nic (have: $(set +f; echo /sys/class/net/*))"
    finish failed
  fi
  $BB ip link set "$nic" up || say "error cannot bring $nic up"
  if [ "$addr" = dhcp ]; then
    # udhcpc's script gives the NIC the leased address and the default route.
    # -T 3: udhcpc gives up (-n) after 3 unanswered requests that follow an offer; at -T 1 a
    # server slowed by a loaded host (3 s to acknowledge) failed the guest in 6 s.
    printf '#!/bin/sh\ncase "$1" in bound|renew)\n  %s ip addr add "$ip/$mask" dev "$interface"\n  [ -z "$router" ] || %s ip route add default via "${router%%%% *}" dev "$interface" ;;\nesac\n' \
      "$BB" "$BB" >/run/udhcpc.script
    $BB chmod 0755 /run/udhcpc.script
    uptime_now
    if $BB udhcpc -i "$nic" -q -n -t 10 -T 3 -s /run/udhcpc.script >/run/udhcpc.log 2>&1; then
      uptime_now
      say "dhcp ok iface=$nic addr=$($BB ip -4 -o addr show dev "$nic" | $BB awk '{ print $4 }') uptime=$now"
    else
      $BB sed 's/^/udhcpc: /' /run/udhcpc.log   # why, on the console
      say "dhcp failed iface=$nic"
      finish failed
    fi
  else
    $BB ip addr add "$addr" dev "$nic" || say "error cannot add $addr to $nic"
  fi
done

result=ok
rest_if=$ifs, rest_ip=$ips, rest_peer=$peers,
while [ -n "$rest_if" ]; do
  nic=${rest_if%%,*} rest_if=${rest_if#*,}
  addr=${rest_ip%%,*} rest_ip=${rest_ip#*,}
  nic_peers=${rest_peer%%,*} rest_peer=${rest_peer#*,}
  mac=none
  [ -r "/sys/class/net/$nic/address" ] && read -r mac <"/sys/class/net/$nic/address"
  IFS=+
  for peer in $nic_peers; do
    unset IFS
    # Quiet probes until the first reply (ARP; a TAP whose carrier comes late, a peer still
    # booting), then the ping shown on the console, which passes when any request gets a reply.
    uptime_now
    deadline=$((${now%.*} + wait))
    while ! $BB ping -q -c 1 -W 1 -I "$nic" "$peer" >/dev/null 2>&1; do
      uptime_now
      [ "${now%.*}" -lt "$deadline" ] || break
      $BB sleep 0.1   # when ping fails at once (no carrier or route yet)
    done
    if $BB ping -c "$count" -i 0.2 -W 2 -I "$nic" "$peer"; then
      outcome=ok
    else
      outcome=failed result=failed
    fi
    uptime_now
    say "ping $outcome iface=$nic mac=$mac addr=$addr peer=$peer uptime=$now"
  done
  unset IFS
done

if [ -n "$await" ]; then
  uptime_now
  deadline=$((${now%.*} + await_time))
  outcome=failed
  while :; do
    if $BB wget -q -O /run/await "$await" 2>/dev/null; then outcome=ok; break; fi
    uptime_now
    [ "${now%.*}" -lt "$deadline" ] || break
    $BB sleep 0.2
  done
  say "await $outcome url=$await"
  [ "$outcome" = ok ] || result=failed
fi

if [ -n "$nopeers" ]; then
  rest_if=$ifs, rest_ip=$ips, rest_nopeer=$nopeers,
  while [ -n "$rest_if" ]; do
    nic=${rest_if%%,*} rest_if=${rest_if#*,}
    addr=${rest_ip%%,*} rest_ip=${rest_ip#*,}
    nic_nopeers=${rest_nopeer%%,*} rest_nopeer=${rest_nopeer#*,}
    IFS=+
    for peer in $nic_nopeers; do
      unset IFS
      # One request a second, each given a second for its reply (ping -w with many requests
      # overruns its deadline by seconds here while ARP goes unanswered).
      uptime_now
      since=$now
      deadline=$((${now%.*} + nowait))
      outcome=ok
      while :; do
        if $BB ping -q -c 1 -W 1 -I "$nic" "$peer" >/dev/null 2>&1; then
          outcome=failed result=failed
          break
        fi
        uptime_now
        [ "${now%.*}" -lt "$deadline" ] || break
      done
      uptime_now
      say "noreply $outcome iface=$nic addr=$addr peer=$peer seconds=$nowait from=$since uptime=$now"
    done
    unset IFS
  done
fi

if [ -n "$iperf" ] && [ "$result" = ok ]; then
  # iperf3 is the host's (dynamic) binary; it keeps a temporary file in $TMPDIR (our tmpfs).
  iperf3 -c "$iperf" -t "$iperf_time" -f m $iperf_args >/run/iperf.out 2>&1
  status=$?
  $BB cat /run/iperf.out
  if [ "$status" -eq 0 ]; then
    # The last "sender" line is the sum over all streams (-f m: always Mbits/sec).
    mbps=$($BB sed -n 's|.* \([0-9.]*\) Mbits/sec.* sender$|\1|p' /run/iperf.out | $BB tail -n 1)
    say "iperf mbit_per_s=$mbps server=$iperf time=$iperf_time args=$iperf_spec"
  else
    say "error iperf3 -c $iperf failed with status $status"
    result=failed
  fi
fi
if [ -n "$run" ] && [ "$result" = ok ]; then
  IFS=:
  set -- $run
  unset IFS
  "$@"
  status=$?
  say "run status=$status command=$*"
  [ "$status" -eq 0 ] || result=failed
fi
finish "$result"
