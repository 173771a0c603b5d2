#!/usr/bin/env bash
# QEMU data path by TAP form: TCP throughput between a QEMU guest (TCG) and the bridge, with
# the TAPs made by taplaunch, for a virtio NIC with the vnet header on and off, and with one
# queue and four (four guest CPUs and four streams for both, so that only the queues differ).
# iperf3 runs in the guest (carried in its initramfs) against a server on the bridge's address,
# both ways; rounds are interleaved, so the cases share the machine's moods.
#
# Run on demand, as root, after a build:
#   bench/qemu_throughput.sh [--seconds S] [--rounds N] [--out DIR] [TAPLAUNCH]
#   --seconds S  iperf3's time per direction (default 4)
#   --rounds N   rounds of every case (default 3)
#   --out DIR    where results go (default ./qemu-throughput-results): throughput.csv (every
#                sample), report.txt (the table), guest-*.log (each run's console)
#   TAPLAUNCH    default build/launcher/taplaunch
# Needs qemu-system-x86, iperf3, busybox-static, a linux-image (the cloud kernel has virtio),
# kmod, cpio and python3: scripts/install-deps.sh installs them.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=4 rounds=3 out=$PWD/qemu-throughput-results taplaunch=$top/build/launcher/taplaunch
usage="usage: qemu_throughput.sh [--seconds S] [--rounds N] [--out DIR] [TAPLAUNCH]"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=${2:?$usage}; shift 2 ;;
    --rounds) rounds=${2:?$usage}; shift 2 ;;
    --out) out=${2:?$usage}; shift 2 ;;
    -h|--help) echo "$usage"; exit 0 ;;
    -*) echo "qemu_throughput: unknown option $1 ($usage)" >&2; exit 2 ;;
    *) taplaunch=$1; shift ;;
  esac
done
source "$top/tests/lib/netns.sh"
source "$top/tests/lib/qemu_guest.sh"

tl_require_root
for tool in qemu-system-x86_64 iperf3 python3; do
  command -v "$tool" >/dev/null || tl_fail "needs $tool (scripts/install-deps.sh installs it)"
done
[ -x "$taplaunch" ] || tl_fail "no taplaunch at $taplaunch (build first, or name it)"
taplaunch=$(realpath "$taplaunch")
mkdir -p "$out"
out=$(realpath "$out")

tl_netns_create bench-qemu
tl_make_bridge br0 10.77.0.1/24
work=$(mktemp -d)
trap 'rm -rf "$work"; tl_netns_cleanup' EXIT

# The guest-test initramfs with iperf3 and its libraries in it.
initramfs=$work/initramfs.cpio.gz
"$top/tests/guest/make-initramfs.sh" --program "$(command -v iperf3)" "$initramfs" 2>"$work/initramfs.log" \
  || { cat "$work/initramfs.log" >&2; tl_fail "cannot build the guest's initramfs"; }
kernel=$(cat "$initramfs.kernel")
ip netns exec "$TL_NS" iperf3 -s -D -B 10.77.0.1 >/dev/null

# case name | taplaunch's NIC | guest CPUs | iperf3 streams
cases=(
  "vnet_hdr=on|model=virtio|1|1"
  "vnet_hdr=off|model=virtio,vnet_hdr=off|1|1"
  "queues=1 (4 CPUs)|model=virtio|4|4"
  "queues=4 (4 CPUs)|model=virtio,queues=4|4|4"
)
csv=$out/throughput.csv
echo "round,case,direction,mbit_per_s" >"$csv"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores online"
  echo "kernel: $(uname -r); QEMU: $(qemu-system-x86_64 --version | head -1); guest kernel: $(basename "$kernel")"
  echo "taplaunch: $("$taplaunch" --version 2>/dev/null | head -1) ($taplaunch)"
  echo "iperf3 ${seconds} s per direction, $rounds round(s), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"
cat "$out/machine.txt" >&2

run=0
for round in $(seq "$rounds"); do
  # Each round starts one case further along, so no case always runs first.
  for ((k = 0; k < ${#cases[@]}; k++)); do
    IFS='|' read -r name nic cpus streams <<<"${cases[(k + round - 1) % ${#cases[@]}]}"
    for direction in guest-to-bridge bridge-to-guest; do
      run=$((run + 1))
      args="-P:$streams"
      [ "$direction" = guest-to-bridge ] || args="$args:-R"
      log=$out/guest-$run.log
      tl_set_runner "$(dirname "$(command -v qemu-system-x86_64)")"
      tl_guest_boot "$log" $((seconds * 4 + 90)) "${TL_RUN[@]}" "$taplaunch" --nic "bridge=br0,$nic" -- \
        qemu-system-x86_64 -nodefaults -no-user-config -display none -serial stdio -no-reboot \
        -m 512 -smp "$cpus" -kernel "$kernel" -initrd "$initramfs" \
        -append "console=ttyS0 quiet panic=-1 tl.ip=10.77.0.2/24 tl.peer=10.77.0.1 tl.count=1 tl.iperf=10.77.0.1 tl.iperf_time=$seconds tl.iperf_args=$args"
      rate=$(sed -n 's/^TAPLAUNCH-GUEST: iperf mbit_per_s=\([0-9.]*\) .*/\1/p' "$log")
      if [ "$TL_GUEST_STATUS" -ne 0 ] || [ -z "$rate" ]; then
        tl_guest_fail "$log" "$name, $direction: no throughput (taplaunch exited $TL_GUEST_STATUS)"
      fi
      # The NIC must have had the queues the case is about.
      queues=1
      case "$nic" in *queues=4*) queues=4 ;; esac
      grep -q "^TAPLAUNCH-GUEST: queues iface=eth0 driver=virtio_net rx=$queues tx=$queues " "$log" \
        || tl_guest_fail "$log" "$name: the guest's NIC does not have $queues queue pair(s)"
      echo "$round,$name,$direction,$rate" >>"$csv"
      printf 'round %d  %-18s %-16s %6s Mbit/s\n' "$round" "$name" "$direction" "$rate" >&2
    done
  done
done

python3 - "$csv" >"$out/report.txt" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
cases = list(dict.fromkeys(row["case"] for row in rows))
rates = {}
for row in rows:
    rates.setdefault((row["case"], row["direction"]), []).append(float(row["mbit_per_s"]))
def median(case, direction):
    return statistics.median(rates[(case, direction)])
print("median Mbit/s (all samples), and the ratio to the first case of its pair")
print(f"{'case':<20} {'guest to bridge':>28} {'bridge to guest':>28}")
pairs = {"vnet_hdr=off": "vnet_hdr=on", "queues=4 (4 CPUs)": "queues=1 (4 CPUs)"}
for case in cases:
    cells = []
    for direction in ("guest-to-bridge", "bridge-to-guest"):
        text = f"{median(case, direction):.0f}"
        if case in pairs:
            text += f" ({median(case, direction) / median(pairs[case], direction):.2f}x)"
        samples = ", ".join(f"{r:.0f}" for r in rates[(case, direction)])
        cells.append(f"{text} [{samples}]")
    print(f"{case:<20} {cells[0]:>28} {cells[1]:>28}")
PY
cat "$out/report.txt"
