#!/bin/sh
# Remakes the pictures of examples/plots/ (shown in README.md's "Plots"):
# CUBA's raster, smoothed population rate and three membrane potentials,
# the tutorial's raster, traces and final state, and the weights STDP
# leaves (examples/stdp_song.snn, 100 s: about half a minute).
# Usage, from the top of the source tree after building: sh examples/plots/make.sh [build]
set -e
snnc=${1:-build}/snnc
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
here=examples/plots

"$snnc" run $here/cuba.snn -o "$out/cuba" --seed 1 -q >/dev/null
"$snnc" plot "$out/cuba" -o $here/cuba --format png --monitor s_mon --monitor rate --smooth gaussian:5ms
"$snnc" plot "$out/cuba" -o $here/cuba --format png --monitor trace --window 0ms:300ms

"$snnc" run examples/tutorial.snn -o "$out/tutorial" --save-state -q >/dev/null
"$snnc" plot "$out/tutorial" -o $here/tutorial --format png --monitor SM --monitor M --monitor G

"$snnc" run examples/stdp_song.snn -o "$out/stdp" --seed 1 --save-state --format npy -q >/dev/null
"$snnc" plot "$out/stdp" -o $here/stdp --format png --monitor S --monitor mon
