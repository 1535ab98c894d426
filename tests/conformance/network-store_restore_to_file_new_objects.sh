#!/bin/sh
# Brian2 test_network.py::test_store_restore_to_file_new_objects in the
# language: one run of snnc stores the network to a file at 0 ms and (as
# 'second') at 5 ms while running 10 ms; new runs of snnc (new objects, as
# the test re-creates them) restore from that file and run to 10 ms.  Their
# monitors must hold exactly what the first run recorded.
# usage: network-store_restore_to_file_new_objects.sh SNNC WORKDIR
SNNC=$1; W=$2
mkdir -p "$W" && cd "$W" || exit 1
rm -f state.bin
cat > net.snn <<'NET'
spikegenerator source(5, indices=[0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4],
                      times=[3, 4, 1, 2, 3, 7, 5, 4, 1, 0, 5, 9, 7, 8, 9]*ms)
neurons target[10] { model { v:1 } }
synapses synapses(source -> target) {
    model { w:1 }
    on_pre: v+=w
    delay: (5-i)*ms
    init { w = i*1.0 + j*2.0 }
    connect(condition='j>=i')
}
statemonitor statemonitor(target.v, record=all)
spikemonitor input_spikes(source)
NET
{ cat net.snn; printf 'store to "state.bin"\nrun 5*ms\nstore second to "state.bin"\nrun 5*ms\n'; } > first.snn
{ cat net.snn; printf 'restore from "state.bin"\nrun 10*ms\n'; } > from_start.snn
{ cat net.snn; printf 'restore second from "state.bin"\nrun 5*ms\n'; } > from_middle.snn
for m in first from_start from_middle; do
    "$SNNC" run $m.snn --native=off -o out_$m > log_$m 2>&1 || { echo "$m: exit $?"; cat log_$m; exit 0; }
done
echo "spikes: $(($(wc -l < out_first/input_spikes.csv) - 1)), trace rows: $(($(wc -l < out_first/statemonitor.csv) - 1))"
for m in from_start from_middle; do
    for f in input_spikes.csv statemonitor.csv; do
        if cmp -s out_first/$f out_$m/$f; then echo "$m $f same"; else echo "$m $f DIFFERS"; fi
    done
done
grep -h "simulated" log_from_start log_from_middle
