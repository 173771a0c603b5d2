#!/usr/bin/env python3
"""Turns the launch-cost sections' raw CSV (OUT/raw) into result CSVs (OUT) and text tables.

    summarize.py OUT "WAYS" "NIC COUNTS"

Latency: per way and NIC count, the median, 10th and 90th percentile of the samples; the median
less the bare emulator's median at the same count (the launch cost) and that cost as a multiple
of the floor's; the same for the 10th percentile. Scale, teardown and memory: medians over rounds. Exits 1 when a measurement that
was asked for has no samples, so that a broken section cannot pass unnoticed.
"""

import csv
import statistics
import sys
from collections import defaultdict
from pathlib import Path


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def read_rows(path):
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


def write_rows(path, header, rows):
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)


def fail(message):
    print(f"launch_cost: {message}", file=sys.stderr)
    sys.exit(1)


def latency(out, ways, counts):
    samples = defaultdict(list)
    for row in read_rows(out / "raw" / "latency.csv"):
        samples[row["way"], int(row["nics"])].append(int(row["launch_ns"]) / 1000)
    for way in ["bare"] + ways:
        for nics in counts:
            if not samples[way, nics]:
                fail(f"no latency samples for {way} with {nics} NICs")

    # On a loaded machine a sample is either a clean run or one that waited for a CPU: the
    # median says what a launch takes here and now, the 10th percentile what it takes when it
    # is not made to wait.
    statistics_of = {"median": statistics.median, "p10": lambda values: percentile(values, 0.1)}

    def cost(way, nics, statistic):
        measure = statistics_of[statistic]
        return measure(samples[way, nics]) - measure(samples["bare", nics])

    def ratio(way, nics, statistic):
        # Below 50 µs the floor's cost is noise (a quick run, 0 NICs): no ratio.
        floor = cost("floor", nics, statistic) if "floor" in ways else 0
        return cost(way, nics, statistic) / floor if floor > 50 else float("nan")

    rows = []
    for way in ["bare"] + ways:
        for nics in counts:
            values = samples[way, nics]
            row = [way, nics, len(values), round(statistics.median(values)),
                   round(percentile(values, 0.1)), round(percentile(values, 0.9))]
            for statistic in ("median", "p10"):
                if way == "bare":
                    row += [0, ""]
                else:
                    row += [round(cost(way, nics, statistic)), f"{ratio(way, nics, statistic):.2f}"]
            rows.append(row)
    write_rows(out / "latency.csv",
               ["way", "nics", "samples", "median_us", "p10_us", "p90_us", "launch_cost_us",
                "ratio_to_floor", "launch_cost_p10_us", "ratio_to_floor_p10"], rows)
    plotted = [n for n in counts if n > 0]
    write_rows(out / "latency-plot.csv", ["nics"] + ways,
               [[n] + [round(cost(way, n, "median") / 1000, 3) for way in ways] for n in plotted])

    rounds = len(samples["bare", counts[0]])
    header = f"{'way':<22}" + "".join(f"{str(n) + (' NIC' if n == 1 else ' NICs'):>18}" for n in counts)
    lines = []
    for statistic, title in (("median", "median"), ("p10", "10th percentile")):
        lines += [f"Launch latency, {title} of {rounds} rounds: ms from process start to the emulator's",
                  "first instruction, less the bare emulator's start; (x) = multiple of the floor's",
                  "", header]
        for way in ways:
            cells = "".join(f"{cost(way, n, statistic) / 1000:>10.2f} "
                            + (f"{f'({ratio(way, n, statistic):.1f}x)':>7}"
                               if ratio(way, n, statistic) == ratio(way, n, statistic) else " " * 7)
                            for n in counts)
            lines.append(f"{way:<22}{cells}")
        bare = "".join(f"{statistics_of[statistic](samples['bare', n]) / 1000:>10.2f} {'':>7}"
                       for n in counts)
        lines.append(f"{'(bare emulator start)':<22}{bare}")
        if 1 in counts and 64 in counts:
            lines.append("per extra NIC, (64 NICs - 1 NIC) / 63, ms: " + ", ".join(
                f"{way} {(cost(way, 64, statistic) - cost(way, 1, statistic)) / 63 / 1000:.3f}"
                for way in ways))
        lines.append("")
    return lines


def scale(out):
    groups = defaultdict(lambda: defaultdict(list))
    for row in read_rows(out / "raw" / "scale.csv"):
        key = (row["way"], row["mode"], int(row["count"]))
        groups[key]["last_start"].append(int(row["last_start_ns"]) / 1e6)
        groups[key]["all_exited"].append(int(row["all_exited_ns"]) / 1e6)
        if row.get("sum_launch_ns"):
            groups[key]["launches_alone"].append(int(row["sum_launch_ns"]) / 1e6)
    if not groups:
        fail("no scale samples")
    rows = []
    lines = ["Many guests: launches of 1 NIC each on one bridge, median ms; one after another",
             "includes the kernel's removal of each exited emulator's TAP before the next launch",
             "", f"{'way':<12}{'how':<10}{'count':>6}{'last emulator started':>24}{'all exited':>12}"
             f"{'launches alone':>16}"]
    for (way, mode, count), values in sorted(groups.items()):
        last = statistics.median(values["last_start"])
        exited = statistics.median(values["all_exited"])
        alone = f"{statistics.median(values['launches_alone']):.1f}" if values["launches_alone"] else ""
        rows.append([way, mode, count, len(values["last_start"]), f"{last:.1f}", f"{exited:.1f}", alone])
        lines.append(f"{way:<12}{mode:<10}{count:>6}{last:>24.1f}{exited:>12.1f}{alone:>16}")
    write_rows(out / "scale.csv", ["way", "mode", "count", "rounds", "last_start_ms",
                                   "all_exited_ms", "launches_alone_ms"], rows)
    return lines


def teardown(out, counts):
    groups = defaultdict(list)
    for row in read_rows(out / "raw" / "teardown.csv"):
        groups[row["what"], int(row["nics"])].append(int(row["ns"]) / 1e6)
    whats = ["supervisor", "kernel-one-by-one", "kernel-by-group"]
    for what in whats:
        for nics in counts:
            if not groups[what, nics]:
                fail(f"no teardown samples for {what} with {nics} NICs")
    rows = [[what, nics, len(groups[what, nics]), f"{statistics.median(groups[what, nics]):.1f}"]
            for what in whats for nics in counts]
    write_rows(out / "teardown.csv", ["what", "nics", "rounds", "median_ms"], rows)
    labels = {"supervisor": "taplaunch supervisor, emulator exit to its own exit",
              "kernel-one-by-one": "kernel: one RTM_DELLINK per TAP (ip -batch)",
              "kernel-by-group": "kernel: one RTM_DELLINK for the group"}
    lines = ["Teardown of persistent TAPs, median ms", "",
             f"{'':<54}" + "".join(f"{str(n) + ' NICs':>10}" for n in counts)]
    for what in whats:
        lines.append(f"{labels[what]:<54}" +
                     "".join(f"{statistics.median(groups[what, n]):>10.1f}" for n in counts))
    return lines


def memory(out):
    groups = defaultdict(lambda: defaultdict(list))
    for row in read_rows(out / "raw" / "memory.csv"):
        key = (row["what"], int(row["nics"]))
        for field in ("vmhwm_kb", "vmrss_kb", "children_maxrss_kb"):
            if row[field]:
                groups[key][field].append(int(row[field]))
    if not groups:
        fail("no memory samples")
    rows = []
    lines = ["Memory, median KiB", "",
             f"{'what':<30}{'NICs':>6}{'VmHWM':>10}{'VmRSS':>10}{'children maxrss':>17}"]
    for (what, nics), values in sorted(groups.items()):
        cells = [round(statistics.median(values[field])) if values[field] else ""
                 for field in ("vmhwm_kb", "vmrss_kb", "children_maxrss_kb")]
        rows.append([what, nics, len(values["vmhwm_kb"])] + cells)
        lines.append(f"{what:<30}{nics:>6}" + "".join(f"{str(c):>10}" for c in cells[:2]) +
                     f"{str(cells[2]):>17}")
    write_rows(out / "memory.csv",
               ["what", "nics", "rounds", "vmhwm_kb", "vmrss_kb", "children_maxrss_kb"], rows)
    return lines


def main():
    out = Path(sys.argv[1])
    ways = sys.argv[2].split()
    counts = [int(n) for n in sys.argv[3].split()]
    teardown_counts = [n for n in counts if n > 0]
    report = []
    for section in (latency(out, ways, counts), scale(out), teardown(out, teardown_counts),
                    memory(out)):
        report += section + [""]
    text = "\n".join(report)
    (out / "report.txt").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
