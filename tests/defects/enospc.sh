#!/bin/sh
# A run whose outputs do not fit on the disk: the output directory must keep
# its old files untouched (never a mix of old and new), and the exit status
# is non-zero.  Needs root (a small tmpfs); exit 77 (skipped) otherwise.
# usage: enospc.sh SNNC WORKDIR
SNNC=$1; W=$2
mkdir -p "$W" && cd "$W" || exit 1
MNT="$W/mnt"
mkdir -p "$MNT"
mount -t tmpfs -o size=64k tmpfs "$MNT" 2>/dev/null || { echo "cannot mount a tmpfs here"; exit 77; }
trap 'umount "$MNT"' EXIT
printf 'neurons G[20] { model { dv/dt = (1.1-v)/(10*ms) : 1 }\n threshold: v > 1\n reset: v = 0 }\nspikemonitor SM(G)\nstatemonitor M(G.v, record=all)\nrun 100*ms\n' > full.snn
mkdir -p "$MNT/old" && printf 'i,t\nOLD\n' > "$MNT/old/SM.csv" && printf 't,v_0\nOLD\n' > "$MNT/old/M.csv"
dd if=/dev/zero of="$MNT/filler" bs=1k count=40 2>/dev/null
"$SNNC" run full.snn --native=off -o "$MNT/old"; echo "exit $?"
echo "SM.csv: $(head -2 "$MNT/old/SM.csv" | tr '\n' ' ')"
echo "M.csv: $(head -2 "$MNT/old/M.csv" | tr '\n' ' ')"
echo "files: $(ls -A "$MNT/old" | tr '\n' ' ')"
