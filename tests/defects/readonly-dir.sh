#!/bin/sh
# A run whose output directory cannot be written (a read-only file system,
# which binds root too): the directory keeps its old files untouched, no
# temporary is left, and the exit status is non-zero.  Needs root (a tmpfs);
# exit 77 (skipped) otherwise.
# usage: readonly-dir.sh SNNC WORKDIR
SNNC=$1; W=$2
mkdir -p "$W" && cd "$W" || exit 1
MNT="$W/mnt"
mkdir -p "$MNT"
mount -t tmpfs -o size=1m tmpfs "$MNT" 2>/dev/null || { echo "cannot mount a tmpfs here"; exit 77; }
trap 'umount "$MNT"' EXIT
printf 'neurons G[20] { model { dv/dt = (1.1-v)/(10*ms) : 1 }\n threshold: v > 1\n reset: v = 0 }\nspikemonitor SM(G)\nstatemonitor M(G.v, record=all)\nrun 10*ms\n' > ro.snn
mkdir -p "$MNT/old" && printf 'i,t\nOLD\n' > "$MNT/old/SM.csv"
mount -o remount,ro "$MNT" || { echo "cannot make the tmpfs read-only"; exit 77; }
"$SNNC" run ro.snn --native=off -o "$MNT/old" --save-state; echo "exit $?"
echo "SM.csv: $(head -2 "$MNT/old/SM.csv" | tr '\n' ' ')"
echo "files: $(ls -A "$MNT/old" | tr '\n' ' ')"
