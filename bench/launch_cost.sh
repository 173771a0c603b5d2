#!/usr/bin/env bash
# Launch cost of taplaunch against the other ways to put an emulator's NICs on a bridge, all
# in one run, inside a private network namespace. Run on demand as root, after a build:
#
#   bench/launch_cost.sh [OPTIONS] TAPLAUNCH
#     --quick               few rounds: checks that everything still runs (CI), numbers are rough
#     --rounds N            latency rounds (default 25; the other sections take N/5, at least 1)
#     --out DIR             results (default: ./launch-cost-results)
#     --programs DIR        the bench's built programs (default: TAPLAUNCH's build dir/bench)
#     --variant LABEL=PATH  another taplaunch build, measured and profiled next to TAPLAUNCH
#     --static-builds       build taplaunch from this source tree twice more (static libstdc++,
#                           Boost and libnl; and fully static) in OUT/builds, and add them as
#                           variants `static-deps` and `static`
#
# Sections (docs/performance.md explains each and shows results):
#   1. launch latency, process start to the emulator's first instruction, 0/1/8/64/256 NICs:
#      taplaunch, taplaunch with lock=ip on every NIC, a shell script (ip tuntap/ip link), QEMU's qemu-bridge-helper, the floor
#      (fewest syscalls), the floor with batched netlink requests, and the variants
#   2. 32 launches at once and one after another; a supervisor's removal of 1/8/64/256 TAPs
#   3. peak RSS of taplaunch before its exec, and of its supervisor while a guest runs
#   4. a plot, OUT/launch-latency.png (gnuplot)
#   5. a profile of taplaunch's launch path (callgrind, strace, ltrace)
#   6. what asking QEMU for its options costs: no query, cold cache, warm cache
# Writes OUT/*.csv (results), OUT/raw/*.csv (samples), OUT/report.txt, OUT/profile.txt,
# OUT/profile/ (callgrind, strace, ltrace files) and OUT/machine.txt.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
scripts=$top/bench/launch_cost

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

rounds=25 quick=0 out=$PWD/launch-cost-results programs="" static_builds=0
variants=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --rounds) rounds=$2; shift ;;
    --out) out=$2; shift ;;
    --programs) programs=$2; shift ;;
    --variant) [[ $2 == ?*=/* ]] || usage; variants+=("$2"); shift ;;
    --static-builds) static_builds=1 ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) break ;;
  esac
  shift
done
[ $# -eq 1 ] || usage
taplaunch=$(realpath "$1")
[ -x "$taplaunch" ] || { echo "launch_cost: $1 is not an executable (build it first)" >&2; exit 1; }
programs=$(realpath "${programs:-$(dirname "$taplaunch")/../bench}")
[ -x "$programs/launch_timer" ] \
  || { echo "launch_cost: no bench programs in $programs (build the project, or pass --programs)" >&2; exit 1; }

source "$top/tests/lib/netns.sh"
tl_require_root
missing=()
for tool in valgrind callgrind_annotate strace ltrace gnuplot python3 ip; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
helper=/usr/lib/qemu/qemu-bridge-helper
[ -x "$helper" ] || missing+=("$helper")
if [ ${#missing[@]} -gt 0 ]; then
  echo "launch_cost: missing ${missing[*]} (scripts/install-deps.sh installs them)" >&2
  exit 1
fi

if [ "$quick" -eq 1 ]; then
  rounds=2 other_rounds=1
else
  other_rounds=$(( rounds / 5 > 0 ? rounds / 5 : 1 ))
fi
latency_counts="0 1 8 64 256"
teardown_counts="1 8 64 256"
memory_counts="1 64"
profile_counts="1 64"
scale_count=32

mkdir -p "$out/raw"
out=$(realpath "$out")
rm -rf "$out/profile" "$out"/raw/*.csv

if [ "$static_builds" -eq 1 ]; then
  libs=/usr/lib/x86_64-linux-gnu
  static_libnl=(-Dpkgcfg_lib_LIBNL_nl-3="$libs/libnl-3.a")
  build_variant() {  # build_variant LABEL CMAKE-ARGS...
    local label=$1
    shift
    echo "launch_cost: building the $label variant in $out/builds/$label" >&2
    cmake -S "$top" -B "$out/builds/$label" -DBUILD_TESTING=OFF -DBoost_USE_STATIC_LIBS=ON \
      "${static_libnl[@]}" "$@" >/dev/null
    cmake --build "$out/builds/$label" -j 2 --target taplaunch >/dev/null 2>&1 \
      || { echo "launch_cost: building the $label variant failed" >&2; exit 1; }
    variants+=("$label=$out/builds/$label/launcher/taplaunch")
  }
  build_variant static-deps "-DCMAKE_EXE_LINKER_FLAGS=-static-libstdc++ -static-libgcc"
  build_variant static -DCMAKE_EXE_LINKER_FLAGS=-static
fi
variant_labels=()
for variant in ${variants[@]+"${variants[@]}"}; do variant_labels+=("${variant%%=*}"); done
ways="taplaunch taplaunch-lock-ip shell qemu-bridge-helper floor floor-batched ${variant_labels[*]+${variant_labels[*]}}"

machine() {
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  local cpu
  cpu=$(lscpu | sed -n 's/^Model name: *//p; s/^CPU family: *\(.*\)/family \1/p; s/^Model: *\(.*\)/model \1/p;
    s/^Hypervisor vendor: *\(.*\)/\1 guest/p; s/^BogoMIPS: *\(.*\)/BogoMIPS \1/p' | paste -sd, | sed 's/,/, /g')
  echo "cpu: $cpu; $(nproc) cores online"
  echo "memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "kernel: $(uname -r); userland: Debian $(cat /etc/debian_version), $(ldd --version | head -n 1)"
  echo "taplaunch: $("$taplaunch" --version | cut -d' ' -f2) ($taplaunch), source $(git -C "$top" describe --always --dirty 2>/dev/null || echo '?')"
  echo "qemu-bridge-helper: $(dpkg-query -W -f='${Version}' qemu-system-common 2>/dev/null || echo '?')"
  echo "rounds: latency $rounds, other sections $other_rounds; open-file limit for all ways 1024"
}
machine | tee "$out/machine.txt"

tl_netns_create launch-cost
tl_make_bridge "br0"
export BENCH_PROGRAMS=$programs BENCH_SCRIPTS=$scripts BENCH_TAPLAUNCH=$taplaunch \
  BENCH_HELPER=$helper BENCH_RAW=$out/raw BENCH_VARIANTS="${variants[*]+${variants[*]}}"

run_section() {  # run_section TITLE ROUNDS SCRIPT ARGS...
  local title=$1 section_rounds=$2
  shift 2
  echo "launch_cost: $title" >&2
  echo "load average before $title: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
  export BENCH_ROUNDS=$section_rounds
  tl_in_ns bash "$scripts/$1" "${@:2}"
}
run_section "1. launch latency ($ways)" "$rounds" latency.sh "$latency_counts" "bare $ways"
run_section "2. $scale_count guests at once and one after another" "$other_rounds" scale.sh "$scale_count"
run_section "2. teardown by the supervisor" "$other_rounds" teardown.sh "$teardown_counts"
run_section "3. memory" "$other_rounds" memory.sh "$memory_counts"
run_section "5. profile" 1 profile.sh "$out/profile" "$profile_counts"
run_section "6. QEMU option query (table, cold, warm)" "$rounds" qemu_options.sh | tee "$out/qemu-options.txt"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
grep '^load average' "$out/machine.txt"
echo

python3 "$scripts/summarize.py" "$out" "$ways" "$latency_counts"
python3 "$scripts/profile_summary.py" "$out" "taplaunch ${variant_labels[*]+${variant_labels[*]}}" "$profile_counts"

set -- $ways
subtitle="$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, kernel $(uname -r), median of $rounds rounds"
gnuplot -e "data='$out/latency-plot.csv'; ways=$#; subtitle='$subtitle'" \
  -e "set output '$out/launch-latency.png'" "$scripts/latency.gnuplot"
[ -s "$out/launch-latency.png" ] || { echo "launch_cost: gnuplot made no plot" >&2; exit 1; }
echo
echo "launch_cost: results in $out (report.txt, profile.txt, *.csv, launch-latency.png)"
