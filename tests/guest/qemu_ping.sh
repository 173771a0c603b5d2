#!/usr/bin/env bash
# Boots a real QEMU guest (TCG) through taplaunch in a private network namespace and checks
# that it pings the host across each TAP: one NIC per model given, NIC i on bridge br<i>
# (10.77+i.0.1/24), the guest at 10.77+i.0.2. Checks the guest's report (driver, MAC, ping),
# the host's neighbour entry for the guest (its MAC as seen on the bridge), taplaunch's exit
# status (QEMU's, after exec), and that no TAP remains once QEMU has exited.
#
# Each NIC also downloads a 4 MiB random file from a web server on its bridge's address, and
# the guest's size and MD5 of it must match: TCP through the TAP's virtio-net header (offloads).
#
# Usage: qemu_ping.sh TAPLAUNCH INITRAMFS MODEL[,MODEL...] [LOCK]
#   e.g. virtio   vmxnet3   virtio,vmxnet3   virtio ip
# LOCK (off, mac or ip; default off) is each NIC's lock=; with ip, ip= is the guest's address.
# INITRAMFS comes from make-initramfs.sh, which also wrote INITRAMFS.kernel.
set -euo pipefail
taplaunch=$1 initramfs=$2 models=$3 lock=${4:-off}
source "$(dirname "$0")/../lib/netns.sh"

guest_timeout=${TL_GUEST_TIMEOUT:-60}

tl_require_root
qemu=$(command -v qemu-system-x86_64) || { echo "SKIP: no qemu-system-x86_64 (install qemu-system-x86)" >&2; exit 77; }
if [ ! -f "$initramfs" ] || [ ! -f "$initramfs.kernel" ]; then
  echo "SKIP: no initramfs $initramfs (built by the guest.initramfs test)" >&2
  exit 77
fi
kernel=$(cat "$initramfs.kernel")
[ -r "$kernel" ] || tl_fail "cannot read kernel $kernel"

IFS=, read -r -a model_list <<<"$models"
tl_netns_create "guest-${models//,/-}-$lock"
log=$(mktemp)
www=$(mktemp -d)
trap 'rm -rf "$log" "$www"; tl_netns_cleanup' EXIT
head -c 4M /dev/urandom >"$www/blob"
blob_md5=$(md5sum <"$www/blob" | cut -d' ' -f1)
blob_bytes=$(stat -c %s "$www/blob")

fail() {
  echo "----- console and taplaunch log -----" >&2
  cat "$log" >&2
  echo "-------------------------------------" >&2
  tl_fail "$*"
}

nic_args=() guest_ips=() peers=() macs=() urls=()
for i in "${!model_list[@]}"; do
  model=${model_list[$i]}
  tl_make_bridge "br$i" "10.$((77 + i)).0.1/24"
  macs+=("52:54:00:4c:00:$(printf %02x $((i + 1)))")
  guest_ips+=("10.$((77 + i)).0.2/24")
  peers+=("10.$((77 + i)).0.1")
  urls+=("http://10.$((77 + i)).0.1:8080/blob")
  lock_keys=""
  case $lock in
    mac) lock_keys=",lock=mac" ;;
    ip) lock_keys=",lock=ip,ip=10.$((77 + i)).0.2" ;;
  esac
  nic_args+=(--nic "bridge=br$i,mac=${macs[$i]},model=$model$lock_keys")
done
tl_set_runner "$(dirname "$qemu")"
# The web server for the downloads (killed with the namespace's other processes on exit).
ip netns exec "$TL_NS" busybox httpd -f -p 8080 -h "$www" </dev/null >/dev/null 2>&1 &

join() { local IFS=,; echo "$*"; }
# Behind lock=ip the guest also tries another MAC and another address on its first NIC.
spoof=""
[ "$lock" = ip ] && spoof=" tl.spoof=52:54:00:4c:00:99,10.77.0.9/24"
command=("$taplaunch" -v "${nic_args[@]}" --
  qemu-system-x86_64 -nodefaults -no-user-config -display none -serial stdio -no-reboot
  -m 256 -kernel "$kernel" -initrd "$initramfs"
  -append "console=ttyS0 quiet panic=-1 tl.ip=$(join "${guest_ips[@]}") tl.peer=$(join "${peers[@]}") tl.wget=$(join "${urls[@]}")$spoof")
echo "running: $(printf '%q ' "${command[@]}")"

# Stream the output, noting when the first echo reply arrives (boot-to-ping time). QEMU stays
# in the foreground process group, so that Ctrl-C reaches it when the test is run by hand.
start=$EPOCHREALTIME
first_ping=""
set +e
timeout --foreground -k 5 "$guest_timeout" "${TL_RUN[@]}" "${command[@]}" </dev/null 2>&1 |
  while IFS= read -r line; do
    line=${line%$'\r'}
    printf '%s\n' "$line" >>"$log"
    case $line in
      *" bytes from "*) [ -n "$first_ping" ] || { first_ping=$EPOCHREALTIME; echo "$first_ping" >"$log.ping"; } ;;
    esac
  done
status=${PIPESTATUS[0]}
set -e
end=$EPOCHREALTIME
first_ping=$(cat "$log.ping" 2>/dev/null || true)
rm -f "$log.ping"

[ "$status" -ne 124 ] || fail "the guest did not finish within ${guest_timeout}s"
[ "$status" -eq 0 ] || fail "taplaunch (QEMU) exited with status $status"
grep -qx "TAPLAUNCH-GUEST: result ok" "$log" || fail "the guest did not report 'result ok'"
if [ -n "$spoof" ]; then
  for line in "spoof mac silent" "spoof addr silent" "spoof own answered"; do
    grep -qx "TAPLAUNCH-GUEST: $line" "$log" || fail "behind lock=ip the guest did not report '$line'"
  done
fi

for i in "${!model_list[@]}"; do
  case ${model_list[$i]} in
    virtio) driver=virtio_net ;;
    *) driver=${model_list[$i]} ;;
  esac
  # The guest's own view: its NIC i has the MAC we asked for, runs the model's driver, and
  # got replies from the host's bridge.
  expected="TAPLAUNCH-GUEST: ping ok iface=[^ ]+ driver=$driver mac=${macs[$i]} addr=${guest_ips[$i]} peer=${peers[$i]} "
  grep -qE -- "^${expected//./\\.}" "$log" || fail "no line matching: $expected"
  expected="TAPLAUNCH-GUEST: wget ok url=${urls[$i]} bytes=$blob_bytes md5=$blob_md5"
  grep -qxF -- "$expected" "$log" || fail "no line: $expected"
  # The host's view: the bridge learnt the guest's address with that MAC.
  neighbour=$(ip -n "$TL_NS" neigh show "${guest_ips[$i]%/*}" dev "br$i")
  [[ "$neighbour" == *"lladdr ${macs[$i]} "* ]] || fail "host neighbour entry for ${guest_ips[$i]%/*} on br$i is '$neighbour', not lladdr ${macs[$i]}"
  # taplaunch created and attached the TAP with the 0xFE MAC.
  grep -qF "nic $i: set MAC of tap$i to fe:${macs[$i]#52:}" "$log" || fail "taplaunch did not set tap$i's MAC to fe:${macs[$i]#52:}"
  grep -qF "nic $i: attach tap$i to bridge br$i" "$log" || fail "taplaunch did not attach tap$i to br$i"
done

# The TAPs belonged to QEMU's fds: gone with it.
leftover=$(ip -n "$TL_NS" -o link show type tun)
[ -z "$leftover" ] || fail "TAP(s) left in the namespace after QEMU exited: $leftover"

uptimes=$(grep -o 'TAPLAUNCH-GUEST: ping ok .*uptime=[0-9.]*' "$log" | sed 's/.*uptime=//' | paste -sd, -)
awk -v m="$models" -v s="$start" -v p="${first_ping:-$end}" -v e="$end" -v u="$uptimes" 'BEGIN {
  printf "TIME models=%s start-to-first-reply=%.2fs guest-uptime-at-ping=%ss total=%.2fs\n", m, p - s, u, e - s }'
echo "PASS"
