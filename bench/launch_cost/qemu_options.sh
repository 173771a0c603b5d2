#!/usr/bin/env bash
# Section 6: what reading QEMU's options from the QEMU binary costs a launch. A command line
# whose options the table all knows asks nothing; one with another option (and every
# --dry-run) asks the binary, from the cache when it holds an entry for that binary (warm),
# else by running `QEMU -help` (cold). Measured as the wall time of `taplaunch --dry-run` on
# the real qemu-system-x86_64 without NICs, three ways in turn each round:
#   table  the same binary through a symlink not named qemu-system-*: not asked (the table)
#   cold   the cache directory removed first: QEMU -help runs, the entry is written
#   warm   the entry the cold run wrote: read and checked against the binary's identity
# cold - table and warm - table are what the query adds. Wall time and CPU time (user + system,
# taplaunch and what it runs), the latter less disturbed by other load on the machine.
# Writes BENCH_RAW/qemu-options.csv: round,way,wall_ms,cpu_ms; prints the medians.
#   qemu_options.sh
source "$(dirname "$0")/common.sh"
qemu=$(command -v qemu-system-x86_64) \
  || { echo "launch_cost: no qemu-system-x86_64, section 6 skipped" >&2; exit 0; }
csv=$BENCH_RAW/qemu-options.csv
echo "round,way,wall_ms,cpu_ms" >"$csv"
TIMEFORMAT='%3R %3U %3S'
scratch=$(mktemp -d "$BENCH_RAW/qemu-options.XXXXXX")  # not in /tmp: nothing else may tidy it away
trap 'rm -rf "$scratch"' EXIT
ln -s "$qemu" "$scratch/qemu-through-a-link"

for ((round = 1; round <= BENCH_ROUNDS; round++)); do
  for way in table cold warm; do
    case $way in
      table) command=("$BENCH_TAPLAUNCH" --dry-run --emulator-kind qemu -- "$scratch/qemu-through-a-link" -m 256) ;;
      cold) rm -rf "$scratch/cache"; command=("$BENCH_TAPLAUNCH" --dry-run -- "$qemu" -m 256) ;;
      warm) command=("$BENCH_TAPLAUNCH" --dry-run -- "$qemu" -m 256) ;;
    esac
    { time XDG_CACHE_HOME=$scratch/cache "${command[@]}" >/dev/null 2>"$scratch/err"; } 2>"$scratch/time" \
      || { cat "$scratch/err" >&2; bench_fail "the $way dry run failed"; }
    read -r real user system <"$scratch/time"
    echo "$round,$way,$(awk -v r="$real" -v u="$user" -v s="$system" 'BEGIN { printf "%.1f,%.1f", r * 1000, (u + s) * 1000 }')" >>"$csv"
  done
  [ -n "$(ls "$scratch/cache/taplaunch")" ] || bench_fail "the cold run wrote no cache entry"
done

python3 - "$csv" <<'PYTHON'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for column in ("wall_ms", "cpu_ms"):
    medians = {way: statistics.median(float(r[column]) for r in rows if r["way"] == way)
               for way in ("table", "cold", "warm")}
    print("QEMU option query, median %s of taplaunch --dry-run (%d rounds): " % (column, len(rows) // 3) +
          ", ".join("%s %.1f" % (way, ms) for way, ms in medians.items()) +
          "; the query adds %.1f cold, %.1f warm" % (medians["cold"] - medians["table"],
                                                     medians["warm"] - medians["table"]))
PYTHON
