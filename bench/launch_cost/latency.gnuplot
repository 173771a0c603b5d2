# Launch latency against NIC count, one line per way, from latency-plot.csv (summarize.py).
#   gnuplot -e "data='OUT/latency-plot.csv'; ways=3; subtitle='...'" -e "set output 'OUT/launch-latency.png'" latency.gnuplot
# where the CSV's first column is the NIC count and each further column one way (header: names).
set datafile separator ","
set terminal pngcairo size 900,560 font "sans,10"
set title "Launch latency: process start to the emulator's first instruction\n{/*0.85 ".subtitle."}"
set xlabel "NICs on one bridge"
set ylabel "ms (median, the bare emulator's start subtracted)"
set logscale xy
set xtics ("1" 1, "8" 8, "64" 64)
set key top left
set grid
plot for [column=2:ways+1] data using 1:column with linespoints linewidth 2 pointsize 1.2 title columnheader(column)
