# SPDX-License-Identifier: GPL-2.0
#
# Plots of the micro benchmark, from the data report.py writes in dir/plot:
#   gnuplot -e "dir='results'" scripts/bench/micro.gp
# Each data row: x, then median, min and max for each method in turn.

methods = "skb_clone nbl_share nbl_own pskb_copy skb_copy"
set terminal pngcairo noenhanced size 1400,600 font ",10"
set grid
set logscale xy
set key top left
set xlabel "frame bytes"
set ylabel "ns per mirrored packet (median; bars: min-max of runs)"
set format x "%.0f"
set xrange [40:100000]

set output dir."/bench-micro-size.png"
set multiplot layout 1,2 title "ns per packet against size, fan-out 4 (UML, one CPU)"
set title "linear (kmalloc'd head)"
plot for [i=0:4] dir."/plot/micro-size-linear.dat" \
	using 1:(column(2+3*i)):(column(3+3*i)):(column(4+3*i)) \
	with yerrorlines title word(methods, i+1)
set title "page-backed (65536: 64 KB TCP GSO, 16 frags)"
plot for [i=0:4] dir."/plot/micro-size-paged.dat" \
	using 1:(column(2+3*i)):(column(3+3*i)):(column(4+3*i)) \
	with yerrorlines title word(methods, i+1)
unset multiplot

set output dir."/bench-micro-fanout.png"
unset logscale x
set xlabel "children per packet (fan-out)"
set xtics (1, 2, 4, 8)
set xrange [0.5:8.5]
set multiplot layout 1,4 title "ns per packet against fan-out (UML, one CPU)"
set title "linear 64 B"
plot for [i=0:4] dir."/plot/micro-fanout-linear-64.dat" \
	using 1:(column(2+3*i)):(column(3+3*i)):(column(4+3*i)) \
	with yerrorlines title word(methods, i+1)
set key off
set title "linear 1500 B"
plot for [i=0:4] dir."/plot/micro-fanout-linear-1500.dat" \
	using 1:(column(2+3*i)):(column(3+3*i)):(column(4+3*i)) \
	with yerrorlines title word(methods, i+1)
set title "paged 9000 B"
plot for [i=0:4] dir."/plot/micro-fanout-paged-9000.dat" \
	using 1:(column(2+3*i)):(column(3+3*i)):(column(4+3*i)) \
	with yerrorlines title word(methods, i+1)
set title "64 KB GSO"
plot for [i=0:4] dir."/plot/micro-fanout-gso-65536.dat" \
	using 1:(column(2+3*i)):(column(3+3*i)):(column(4+3*i)) \
	with yerrorlines title word(methods, i+1)
unset multiplot
