# SPDX-License-Identifier: GPL-2.0
#
# Plot of the end-to-end benchmark, from the data report.py writes in
# dir/plot (one file per frame size; columns: targets, then ns/packet per
# tool in report.py's E2E_TOOLS order):
#   gnuplot -e "dir='results'; sizes='64 1500 9000'" scripts/bench/e2e.gp

if (!exists("sizes")) sizes = "64 1500 9000"
tools = "none nblclone:share nblclone:own nblclone:pskb_copy nblclone:copy tc:mirred nft-netdev:dup nft-ip:dup clone-floor"
set terminal pngcairo noenhanced size 1500,550 font ",10"
set grid
set logscale y
set key top left
set xlabel "mirror targets"
set ylabel "ns per source packet (median of runs)"
set xtics (1, 2, 4, 8)
set xrange [0.5:8.5]
set output dir."/bench-e2e.png"
set multiplot layout 1,words(sizes) title "pktgen into a dummy source, mirrored to N dummies (UML, one CPU)"
do for [s in sizes] {
	set title s." B frames"
	plot for [i=1:words(tools)] dir."/plot/e2e-".s.".dat" using 1:(column(i+1)) \
		with linespoints title word(tools, i)
	set key off
}
unset multiplot
