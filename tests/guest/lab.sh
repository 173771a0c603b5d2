#!/usr/bin/env bash
# taplaunch lab and taplaunch wait with real guests, in an "outside" the test owns: a network
# namespace (outer) whose only way out is a veth to a second one (svc). The lab runs inside
# outer, so pasta's "host network" is outer's and nothing of the machine's own is contacted:
# only a web server on outer's 127.0.0.1 (the runner's loopback, to the lab) and one in svc
# (198.51.100.3, "the internet").
#
#   user: an ordinary user made for the test (no capability; /dev/net/tun 0666 for the run),
#         `taplaunch lab --outbound --dhcp`: a QEMU and a UML guest get DHCP addresses, fetch
#         from both web servers, the UML guest pings the QEMU guest at the address `taplaunch
#         wait` reported; wait, started before the QEMU guest and after the UML guest's lease,
#         reports each address within a second of its lease; it times out (1) for a silent
#         guest and a name that never runs, refuses (2) two running guests of one name; list
#         --json shows the addresses. Then a lab killed with SIGKILL, guests and all, leaves no
#         process, namespace or file. Also: the one-line refusals (tun 0600, no pasta).
#   root: the same lab as root: without --outbound (a UML guest's lease, wait, and no way out)
#         and with both (the guest fetches from both servers); then SIGKILL.
#
# It prints how long a lab takes to come up and go away. Usage: lab.sh TAPLAUNCH INITRAMFS MODE
set -euo pipefail
taplaunch=$1 initramfs=$2 mode=$3
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/netns.sh"

tl_require_root
for tool in useradd userdel setpriv pasta nft dnsmasq python3 qemu-system-x86_64; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "SKIP: no $tool" >&2; exit 77; }
done
[ -x /usr/bin/linux ] || { echo "SKIP: no User-Mode Linux (install user-mode-linux)" >&2; exit 77; }
if [ "$mode" = user ] && { [ ! -f "$initramfs" ] || [ ! -f "$initramfs.kernel" ]; }; then
  echo "SKIP: no initramfs $initramfs (built by the guest.initramfs test)" >&2
  exit 77
fi

# Global state (a user account, /dev/net/tun's mode): under the lock, restored however it ends.
exec 9>/run/lock/taplaunch-host-state
flock 9
tun_mode=$(stat -c %a /dev/net/tun)
user=tl-lab-$$
work=""
svc=""
servers=()
restore() {
  local status=$?
  chmod "$tun_mode" /dev/net/tun
  local pid
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  if id "$user" >/dev/null 2>&1; then
    pkill -KILL -u "$user" 2>/dev/null || true
    sleep 0.2
    userdel "$user" 2>/dev/null || echo "lab: could not remove user $user" >&2
  fi
  if [ -n "$svc" ]; then
    pids=$(ip netns pids "$svc" 2>/dev/null || true)
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
    ip netns del "$svc" 2>/dev/null || true
  fi
  tl_netns_cleanup
  [ -z "$work" ] || rm -rf "$work"
  exit "$status"
}
trap restore EXIT
trap 'exit 130' INT TERM

# The outside: outer (where the lab runs) -- veth -- svc (its default gateway, and a server).
tl_netns_create lab
trap restore EXIT   # (tl_netns_create set its own; restore calls it)
outer=$TL_NS
svc="tl-labsvc-$$"
ip netns add "$svc"
ip -n "$svc" link set lo up
ip -n "$outer" link add eth0 type veth peer name svc0
ip -n "$outer" link set svc0 netns "$svc"
ip -n "$outer" addr add 198.51.100.2/24 dev eth0
ip -n "$outer" link set eth0 up
ip -n "$outer" route add default via 198.51.100.1
ip -n "$svc" addr add 198.51.100.1/24 dev svc0
ip -n "$svc" addr add 198.51.100.3/24 dev svc0
ip -n "$svc" link set svc0 up

work=$(mktemp -d /tmp/tl-lab.XXXXXX)
chmod 0755 "$work"
mkdir -m 0755 "$work/www"
head -c 100000 /dev/urandom >"$work/www/file"
file_md5=$(md5sum <"$work/www/file" | cut -d' ' -f1)
# (without the lock's fd: a server left behind must not hold the lock)
ip netns exec "$outer" python3 -m http.server -b 127.0.0.1 -d "$work/www" 8080 >/dev/null 2>&1 9>&- &
servers+=($!)
ip netns exec "$svc" python3 -m http.server -b 198.51.100.3 -d "$work/www" 8081 >/dev/null 2>&1 9>&- &
servers+=($!)
for _ in $(seq 50); do
  ip netns exec "$outer" bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080' 2>/dev/null &&
    ip netns exec "$svc" bash -c 'exec 3<>/dev/tcp/198.51.100.3/8081' 2>/dev/null && break
  sleep 0.1
done
# Inside the lab, pasta maps its default gateway (outer's, 198.51.100.1) to outer's loopback.
loopback_url=http://198.51.100.1:8080/file
outside_url=http://198.51.100.3:8081/file

# Everything the lab's user needs, readable whatever the checkout's permissions.
install -m 0755 "$taplaunch" "$work/taplaunch"
adapter=$(dirname "$taplaunch")/taplaunch-uml-xstate.so
[ ! -f "$adapter" ] || install -m 0644 "$adapter" "$work/"
if [ -f "$initramfs" ]; then
  install -m 0644 "$initramfs" "$work/initramfs.cpio.gz"
  install -m 0644 "$(cat "$initramfs.kernel")" "$work/vmlinuz"
fi
install -m 0755 "$here/uml-init.sh" "$work/uml-init.sh"
mkdir -m 0777 "$work/out"

# Run by the UML guest (tl.run=, on the host's files): ping the address in FILE, once it is there.
cat >"$work/ping-peer.sh" <<'EOF'
#!/bin/sh
for _ in $(/bin/busybox seq 100); do [ -s "$1" ] && break; /bin/busybox sleep 0.1; done
peer=$(/bin/busybox head -n 1 "$1")
echo "pinging the other guest at $peer"
exec /bin/busybox ping -c 3 -W 2 "$peer"
EOF
chmod 0755 "$work/ping-peer.sh"
# Run by a UML guest: fetch the file from "the internet" (tl.run= splits its words at ':').
printf '#!/bin/sh\nexec /bin/busybox wget -q -O /dev/null %s\n' "$outside_url" >"$work/fetch-outside.sh"
chmod 0755 "$work/fetch-outside.sh"

# The job run inside the lab: JOB OUT.
cat >"$work/job.sh" <<'EOF'
set -euo pipefail
work=$(dirname "$0") out=$1 kind=$2
tl=$work/taplaunch
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$out
stamp() { while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "${line%$'\r'}"; done; }
# The time of the first line of FILE that matches PATTERN, waiting up to 60 s for it.
line_time() {
  for _ in $(seq 600); do
    local found
    found=$(grep -a -m 1 -- "$2" "$1" 2>/dev/null | cut -d' ' -f1 || true)
    [ -z "$found" ] || { echo "$found"; return 0; }
    sleep 0.1
  done
  echo "no '$2' in $1" >&2
  return 1
}
echo "lab: uid=$(id -u) gateway=$(ip -4 route show default | awk '{ print $3 }')"
uml() {  # NAME MAC EXTRA...: a UML guest asking DHCP for its address
  local name=$1 mac=$2
  shift 2
  mkdir -p "$out/uml-$name"
  "$tl" --name "$name" --nic "bridge=br0,mac=$mac" -- /usr/bin/linux mem=96M root=/dev/root \
    rootfstype=hostfs rootflags=/ ro init="$work/uml-init.sh" con=null con0=fd:0,fd:1 ssl=null \
    pty.legacy_count=0 uml_dir="$out/uml-$name" tl.if=vec0 tl.ip=dhcp tl.peer=10.0.2.1 "$@" </dev/null 2>&1 | stamp >"$out/$name.log" &
}

case $kind in
  full)   # the ordinary user's lab: QEMU and UML, wait before and after, the failures
    { "$tl" wait qemu --timeout 90 --json >"$out/wait-qemu.json"; echo "$EPOCHREALTIME $?" >"$out/wait-qemu.done"; } &
    waiter=$!
    sleep 0.5   # wait is running before the guest starts
    "$tl" --name qemu --nic bridge=br0,mac=52:54:00:1a:00:01 -- qemu-system-x86_64 -nodefaults \
      -no-user-config -display none -serial stdio -no-reboot -m 256 -kernel "$work/vmlinuz" \
      -initrd "$work/initramfs.cpio.gz" -append "console=ttyS0 quiet panic=-1 tl.ip=dhcp tl.peer=10.0.2.1 tl.wget=$LOOPBACK_URL,$OUTSIDE_URL tl.hold=60" \
      </dev/null 2>&1 | stamp >"$out/qemu.log" &
    uml uml 52:54:00:1a:00:02 tl.await="$LOOPBACK_URL" tl.run="$work/fetch-outside.sh" tl.halt=none
    # wait after the guest's lease.
    line_time "$out/uml.log" 'TAPLAUNCH-GUEST: dhcp ok' >/dev/null
    "$tl" wait uml --timeout 30 >"$out/wait-uml.txt"
    echo "$EPOCHREALTIME" >"$out/wait-uml.done"
    wait "$waiter"
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["nics"][0]["ipv4"])' "$out/wait-qemu.json" >"$out/qemu-address"
    "$tl" list --json >"$out/list.json"
    # The UML guest, a second one, pings the QEMU guest at the address wait gave.
    uml uml2 52:54:00:1a:00:03 tl.run="$work/ping-peer.sh:$out/qemu-address"
    line_time "$out/uml2.log" 'TAPLAUNCH-GUEST: result' >/dev/null
    line_time "$out/qemu.log" 'TAPLAUNCH-GUEST: result' >/dev/null
    # A guest that never runs a CPU (qemu -S) says nothing; a name nobody runs; two of one name.
    "$tl" --name silent --nic bridge=br0 -- qemu-system-x86_64 -S -nodefaults -display none </dev/null &
    status=0; "$tl" wait silent --timeout 3 >/dev/null 2>"$out/wait-silent.err" || status=$?
    echo "$status" >"$out/wait-silent.status"
    status=0; "$tl" wait nobody --timeout 1 >/dev/null 2>"$out/wait-nobody.err" || status=$?
    echo "$status" >"$out/wait-nobody.status"
    "$tl" --name twin --nic bridge=br0,mac=52:54:00:1a:00:11 -- qemu-system-x86_64 -S -nodefaults -display none </dev/null &
    "$tl" --name twin --nic bridge=br0,mac=52:54:00:1a:00:12 -- qemu-system-x86_64 -S -nodefaults -display none </dev/null &
    for _ in $(seq 100); do [ "$("$tl" list --json | grep -c '"guest": "twin"')" -eq 2 ] && break; sleep 0.1; done
    status=0; "$tl" wait twin --timeout 1 >/dev/null 2>"$out/wait-twin.err" || status=$?
    echo "$status" >"$out/wait-twin.status"
    # The lab ends with the job: the guests still running go with it.
    exit 7
    ;;
  dhcp)   # root, no way out: a lease, wait, and nothing beyond the bridge
    # A guest with a fixed address that talks to no one the lab answers for (it ARPs for a
    # peer that is not there): wait, started before it, hears it on its TAP.
    { "$tl" wait static --timeout 60 >"$out/wait-static.txt"; echo "$?" >"$out/wait-static.status"; } &
    static_waiter=$!
    sleep 0.3
    uml static 52:54:00:1b:00:09 tl.ip=10.0.2.50/24 tl.peer=10.0.2.99 tl.wait=6 tl.count=1
    uml uml 52:54:00:1b:00:01 tl.nopeer="198.51.100.1+198.51.100.3" tl.nowait=2
    wait "$static_waiter"
    ip neigh show 10.0.2.50 >"$out/neigh-static.txt"
    line_time "$out/uml.log" 'TAPLAUNCH-GUEST: dhcp ok' >/dev/null
    "$tl" wait uml --timeout 30 >"$out/wait-uml.txt"
    echo "$EPOCHREALTIME" >"$out/wait-uml.done"
    line_time "$out/uml.log" 'TAPLAUNCH-GUEST: result' >/dev/null
    ;;
  outbound)   # root with both: the outside and the loopback service
    uml uml 52:54:00:1b:00:02 tl.await="$LOOPBACK_URL" tl.run="$work/fetch-outside.sh"
    line_time "$out/uml.log" 'TAPLAUNCH-GUEST: dhcp ok' >/dev/null
    "$tl" wait uml --timeout 30 >"$out/wait-uml.txt"
    echo "$EPOCHREALTIME" >"$out/wait-uml.done"
    line_time "$out/uml.log" 'TAPLAUNCH-GUEST: result' >/dev/null
    ;;
  killed)   # guests and a long job, until the lab is killed
    uml uml 52:54:00:1c:00:01 tl.halt=none
    "$tl" --name idle --nic bridge=br0 -- qemu-system-x86_64 -S -nodefaults -display none </dev/null &
    line_time "$out/uml.log" 'TAPLAUNCH-GUEST: dhcp ok' >/dev/null
    echo ready >"$out/killed.ready"
    sleep 1000
    ;;
  empty) ;;
esac
EOF
chmod 0644 "$work/job.sh"

if [ "$mode" = user ]; then
  useradd --no-create-home --home-dir /nonexistent --shell /bin/sh --user-group "$user"
  run_as=(setpriv --reuid="$user" --regid="$user" --init-groups --inh-caps=-all --bounding-set=-all)
else
  run_as=()
fi
# The lab as the job runs it: in outer, as the user (or root), with a clean environment.
lab() {
  ip netns exec "$outer" "${run_as[@]}" env -i PATH=/usr/bin:/bin HOME="$work/out" 9>&- \
    LOOPBACK_URL="$loopback_url" OUTSIDE_URL="$outside_url" "$work/taplaunch" lab "$@"
}
fail_with() { cat "$@" >&2; tl_fail "see above"; }
expect() { grep -Eq -- "$1" "$2" || fail_with "$2" <(echo "expected /$1/ in $2"); }
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# wait's reply came within a second of the guest's lease (its "dhcp ok" line, which the guest
# prints once udhcpc has configured the address: just after the lease).
check_wait_timing() {  # LOG DONE_FILE WHAT
  local lease done_at
  lease=$(grep -a -m 1 'TAPLAUNCH-GUEST: dhcp ok' "$1" | cut -d' ' -f1)
  done_at=$(cut -d' ' -f1 "$2")
  awk -v l="$lease" -v d="$done_at" 'BEGIN { exit !(d - l < 1.0) }' \
    || tl_fail "$3: wait answered $(seconds_between "$lease" "$done_at") s after the guest's lease"
  echo "$3: wait answered $(seconds_between "$lease" "$done_at") s after the guest printed its lease"
}
host_links=$(ip -o link show | awk -F': ' '{ print $2 }' | sort)
host_misc=$(ls -la /var/lib/misc)
chmod 0666 /dev/net/tun

# How long an empty lab takes to come up and go away (median of 5), each way.
for options in "" "--dhcp" "--outbound --dhcp"; do
  times=()
  for _ in 1 2 3 4 5; do
    start=$EPOCHREALTIME
    lab $options -- true
    times+=("$(seconds_between "$start" "$EPOCHREALTIME")")
  done
  echo "lab ${options:-(no options)} -- true: $(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p) s (median of 5: ${times[*]})"
done

out=$work/out
if [ "$mode" = user ]; then
  # The refusals, each one line with the fix.
  chmod 0600 /dev/net/tun
  status=0; lab -- true 2>"$work/err" || status=$?
  [ "$status" -eq 1 ] && [ "$(wc -l <"$work/err")" -eq 1 ] || fail_with "$work/err"
  expect "^taplaunch: lab: uid [0-9]+ cannot open /dev/net/tun \(it is mode 0600\).*chmod 0666 /dev/net/tun" "$work/err"
  chmod 0666 /dev/net/tun
  # taplaunch installed with the file capability (as the package does): the lab drops it, and
  # its command still gets the caller's environment, which secure mode hid from taplaunch.
  if command -v setcap >/dev/null; then
    install -m 0755 "$work/taplaunch" "$work/taplaunch-capable"
    setcap cap_net_admin+ep "$work/taplaunch-capable"
    # (with the bounding set intact: the kernel refuses to exec a file capability outside it)
    ip netns exec "$outer" setpriv --reuid="$user" --regid="$user" --init-groups \
      env -i PATH=/usr/bin:/bin TMPDIR=/dev/shm 9>&- \
      "$work/taplaunch-capable" lab --dhcp -- sh -c 'echo "TMPDIR=$TMPDIR leases=$TAPLAUNCH_LAB_LEASES"' \
      >"$work/capable.log" 2>&1 || fail_with "$work/capable.log"
    expect "^TMPDIR=/dev/shm leases=/var/lib/misc/dnsmasq.leases$" "$work/capable.log"
  fi

  start=$EPOCHREALTIME
  status=0
  timeout -k 5 240 bash -c "$(declare -f lab); $(declare -p outer run_as work loopback_url outside_url); lab --outbound --dhcp -- bash '$work/job.sh' '$out' full" \
    >"$work/lab.log" 2>&1 || status=$?
  echo "the user's lab with a QEMU and a UML guest: $(seconds_between "$start" "$EPOCHREALTIME") s"
  [ "$status" -eq 7 ] || fail_with "$work/lab.log" "$out"/*.log <(echo "the lab exited $status, not the job's 7")
  expect "^lab: uid=0 gateway=198.51.100.1$" "$work/lab.log"
  expect "TAPLAUNCH-GUEST: dhcp ok iface=[^ ]+ addr=10\.0\.2\.[0-9]+/24" "$out/qemu.log"
  expect "TAPLAUNCH-GUEST: ping ok .*mac=52:54:00:1a:00:01 addr=dhcp peer=10.0.2.1 " "$out/qemu.log"
  expect "TAPLAUNCH-GUEST: wget ok url=$loopback_url bytes=100000 md5=$file_md5" "$out/qemu.log"
  expect "TAPLAUNCH-GUEST: wget ok url=$outside_url bytes=100000 md5=$file_md5" "$out/qemu.log"
  expect "TAPLAUNCH-GUEST: result ok" "$out/qemu.log"
  expect "TAPLAUNCH-GUEST: dhcp ok iface=vec0 addr=10\.0\.2\.[0-9]+/24" "$out/uml.log"
  expect "TAPLAUNCH-GUEST: await ok url=$loopback_url" "$out/uml.log"
  expect "TAPLAUNCH-GUEST: run status=0 command=$work/fetch-outside.sh" "$out/uml.log"
  expect "TAPLAUNCH-GUEST: result ok" "$out/uml.log"
  qemu_address=$(cat "$out/qemu-address")
  expect "TAPLAUNCH-GUEST: dhcp ok iface=[^ ]+ addr=${qemu_address//./\\.}/24" "$out/qemu.log"
  expect "pinging the other guest at ${qemu_address//./\\.}" "$out/uml2.log"
  expect "TAPLAUNCH-GUEST: run status=0 command=$work/ping-peer.sh" "$out/uml2.log"
  uml_address=$(grep -a -m 1 'TAPLAUNCH-GUEST: dhcp ok' "$out/uml.log" | sed -E 's/.* addr=([0-9.]+)\/.*/\1/')
  [ "$(cat "$out/wait-uml.txt")" = "$uml_address" ] || fail_with "$out/wait-uml.txt" <(echo "wait uml printed this, not $uml_address")
  python3 - "$out/wait-qemu.json" "$qemu_address" <<'EOF' || fail_with "$out/wait-qemu.json"
import json, sys
document = json.load(open(sys.argv[1]))
assert document["schema"] == "taplaunch-wait/1" and document["guest"] == "qemu", document
[nic] = document["nics"]
assert nic["mac"] == "52:54:00:1a:00:01" and nic["ipv4"] == sys.argv[2] and nic["tap"].startswith("tap"), nic
EOF
  [ "$(cut -d' ' -f2 "$out/wait-qemu.done")" = 0 ] || tl_fail "wait qemu exited $(cut -d' ' -f2 "$out/wait-qemu.done")"
  check_wait_timing "$out/qemu.log" "$out/wait-qemu.done" "QEMU guest, wait started before it"
  check_wait_timing "$out/uml.log" "$out/wait-uml.done" "UML guest, wait started after its lease"
  python3 - "$out/list.json" "$qemu_address" "$uml_address" <<'EOF' || fail_with "$out/list.json"
import json, sys
taps = {tap["guest"]: tap for tap in json.load(open(sys.argv[1]))["taps"]}
assert taps["qemu"]["ipv4"] == sys.argv[2] and taps["uml"]["ipv4"] == sys.argv[3], taps
assert taps["qemu"]["ipv6"] is None, taps
EOF
  [ "$(cat "$out/wait-silent.status")" = 1 ] || fail_with "$out/wait-silent.err"
  expect "^taplaunch: wait: guest 'silent' runs, but nic 0 \(tap[0-9]+, MAC 52:54:00:[0-9a-f:]+\) was not seen using an address within 3 s" "$out/wait-silent.err"
  [ "$(cat "$out/wait-nobody.status")" = 1 ] || fail_with "$out/wait-nobody.err"
  expect "^taplaunch: wait: no guest named 'nobody' ran within 1 s" "$out/wait-nobody.err"
  [ "$(cat "$out/wait-twin.status")" = 2 ] || fail_with "$out/wait-twin.err"
  expect "^taplaunch: wait: 2 running guests are named 'twin': pid [0-9]+ \(tap[0-9]+\); pid [0-9]+ \(tap[0-9]+\)" "$out/wait-twin.err"
  leftover=$(pgrep -u "$user" || true)
  [ -z "$leftover" ] || tl_fail "processes of $user outlived the lab: $(ps -o pid,args -p "$leftover")"
else
  status=0
  timeout -k 5 120 bash -c "$(declare -f lab); $(declare -p outer run_as work loopback_url outside_url); lab --dhcp -- bash '$work/job.sh' '$out' dhcp" \
    >"$work/lab.log" 2>&1 || status=$?
  [ "$status" -eq 0 ] || fail_with "$work/lab.log" "$out"/*.log
  expect "^lab: uid=0 gateway=$" "$work/lab.log"
  expect "TAPLAUNCH-GUEST: dhcp ok iface=vec0 addr=10\.0\.2\.[0-9]+/24" "$out/uml.log"
  expect "TAPLAUNCH-GUEST: ping ok iface=vec0 .* peer=10.0.2.1 " "$out/uml.log"
  expect "TAPLAUNCH-GUEST: noreply ok iface=vec0 .* peer=198.51.100.1 " "$out/uml.log"
  expect "TAPLAUNCH-GUEST: noreply ok iface=vec0 .* peer=198.51.100.3 " "$out/uml.log"
  expect "TAPLAUNCH-GUEST: result ok" "$out/uml.log"
  uml_address=$(grep -a -m 1 'TAPLAUNCH-GUEST: dhcp ok' "$out/uml.log" | sed -E 's/.* addr=([0-9.]+)\/.*/\1/')
  [ "$(cat "$out/wait-uml.txt")" = "$uml_address" ] || fail_with "$out/wait-uml.txt"
  check_wait_timing "$out/uml.log" "$out/wait-uml.done" "root, --dhcp: UML guest"
  [ "$(cat "$out/wait-static.status")" = 0 ] && [ "$(cat "$out/wait-static.txt")" = 10.0.2.50 ] \
    || fail_with "$out/wait-static.txt" "$out/static.log"
  [ ! -s "$out/neigh-static.txt" ] || fail_with "$out/neigh-static.txt" <(echo "the lab knew the fixed-address guest from its neighbour table: the TAP was not what told wait")
  echo "root, --dhcp: a fixed-address guest that the lab never answered was heard on its TAP"
  rm -f "$out"/*.log "$out"/wait-*

  status=0
  timeout -k 5 120 bash -c "$(declare -f lab); $(declare -p outer run_as work loopback_url outside_url); lab --outbound --dhcp -- bash '$work/job.sh' '$out' outbound" \
    >"$work/lab.log" 2>&1 || status=$?
  [ "$status" -eq 0 ] || fail_with "$work/lab.log" "$out"/*.log
  expect "^lab: uid=0 gateway=198.51.100.1$" "$work/lab.log"
  expect "TAPLAUNCH-GUEST: await ok url=$loopback_url" "$out/uml.log"
  expect "TAPLAUNCH-GUEST: run status=0 command=$work/fetch-outside.sh" "$out/uml.log"
  expect "TAPLAUNCH-GUEST: result ok" "$out/uml.log"
  check_wait_timing "$out/uml.log" "$out/wait-uml.done" "root, --outbound --dhcp: UML guest"
fi

# SIGKILL of the lab, with guests, dnsmasq and pasta running: nothing of it remains.
rm -f "$out"/*.log "$out/killed.ready"
# (every stage execs: $! is the lab's PID)
ip netns exec "$outer" "${run_as[@]}" env -i PATH=/usr/bin:/bin HOME="$work/out" \
  "$work/taplaunch" lab --outbound --dhcp -- bash "$work/job.sh" "$out" killed >"$work/killed.log" 2>&1 9>&- &
lab_pid=$!
for _ in $(seq 600); do [ -e "$out/killed.ready" ] && break; sleep 0.1; done
[ -e "$out/killed.ready" ] || fail_with "$work/killed.log" "$out/uml.log"
# The lab's children: its PID 1 (a copy of it) and pasta (Debian's re-executes itself as
# passt.avx2 where the CPU has AVX2, keeping its command line).
lab_init=$(pgrep -P "$lab_pid" -f "lab --outbound" | head -n 1 || true)
pasta_pid=$(pgrep -P "$lab_pid" -f '^/usr/s?bin/pasta|^pasta' || true)
[ -n "$lab_init" ] && [ -n "$pasta_pid" ] || { ps -ef --forest >&2; tl_fail "no PID 1 ($lab_init) or pasta ($pasta_pid) under the lab $lab_pid"; }
lab_pidns=$(readlink "/proc/$lab_init/ns/pid")
lab_namespaces=$(readlink "/proc/$lab_init"/ns/{net,pid,mnt,user} | sort -u)
in_lab=()
for p in /proc/[0-9]*; do
  [ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$lab_pidns" ] && in_lab+=("${p#/proc/}")
done
kinds=$(for p in "${in_lab[@]}"; do cat "/proc/$p/comm" 2>/dev/null; done | sort -u | tr '\n' ' ')
for kind in dnsmasq qemu-system-x86 linux sleep; do
  grep -q "$kind" <<<"$kinds" || tl_fail "the lab to kill runs no $kind (it runs: $kinds)"
done
killed_at=$EPOCHREALTIME
kill -KILL "$lab_pid"
wait "$lab_pid" 2>/dev/null || true
gone=""
for _ in $(seq 100); do
  alive=""
  for p in "${in_lab[@]}" "$pasta_pid"; do [ -e "/proc/$p" ] && alive+=" $p"; done
  [ -z "$alive" ] && { gone=$EPOCHREALTIME; break; }
  sleep 0.05
done
[ -n "$gone" ] || tl_fail "processes of the killed lab remain:$alive"
echo "SIGKILL of a lab with $(( ${#in_lab[@]} + 1 )) processes (${kinds}pasta): all gone after $(seconds_between "$killed_at" "$gone") s"
[ "$mode" != user ] || [ -z "$(pgrep -u "$user" || true)" ] || tl_fail "processes of $user remain"

# Nothing left: the lab's namespaces (no process is in one or holds one open; the user
# namespace of root's lab is the machine's own), files, the host's links, dnsmasq's directory.
sleep 0.2
held=$(for p in /proc/[0-9]*; do readlink "$p"/ns/{net,pid,mnt,user} "$p"/fd/* 2>/dev/null; done | sort -u |
  comm -12 - <(echo "$lab_namespaces") | grep -vxF "$(readlink /proc/self/ns/user)" || true)
[ -z "$held" ] || tl_fail "namespaces of the killed lab remain: $held"
[ "$(ip -o link show | awk -F': ' '{ print $2 }' | sort)" = "$host_links" ] || tl_fail "the host's links changed"
[ "$(ls -la /var/lib/misc)" = "$host_misc" ] || tl_fail "the host's /var/lib/misc changed"
if [ "$mode" = user ]; then
  files=$(find /tmp /dev/shm /run /var/tmp /var/lib/misc -xdev -user "$user" -not -path "$work/*" 2>/dev/null || true)
  [ -z "$files" ] || tl_fail "files of $user were left: $files"
fi
echo "PASS ($mode)"
