#!/bin/sh
# Brian2 test_network.py::test_store_restore in the language: the network of
# the test run 20 ms straight, and the script store / run 10 ms / store
# second / run 10 ms, then restore and run 20 ms, or restore second and run
# 10 ms (twice): the monitors must hold the same as the straight run (the
# restores take time and records back to the stored ones).  With to_file
# (test_store_restore_magic_to_file) the states go to a file instead:
# store to "state.bin", restore second from "state.bin".
# usage: network-store_restore.sh SNNC WORKDIR [to_file]
SNNC=$1; W=$2
mkdir -p "$W" && cd "$W" || exit 1
rm -f state.bin
to=; from=
if [ "$3" = to_file ]; then to=' to "state.bin"'; from=' from "state.bin"'; fi
cat > net.snn <<'NET'
neurons source[10] {
    model {
        dv/dt = rates : 1
        rates : Hz
    }
    threshold: v>1
    reset: v=0
    init { rates = i*100*Hz }
}
neurons target[10] { model { v:1 } }
synapses synapses(source -> target) {
    model { w:1 }
    on_pre: v+=w
    delay: i*ms
    init { w = i*1.0 }
    connect(j='i')
}
statemonitor state_mon(target.v, record=all)
spikemonitor spike_mon(source)
NET
prefix="store$to
run 10*ms
store second$to
run 10*ms
"
{ cat net.snn; echo 'run 20*ms'; } > straight.snn
{ cat net.snn; printf '%s' "$prefix"; printf 'restore%s\nrun 20*ms\n' "$from"; } > restore_first.snn
{ cat net.snn; printf '%s' "$prefix"; printf 'restore second%s\nrun 10*ms\nrestore second%s\nrun 10*ms\n' "$from" "$from"; } > restore_second.snn
for m in straight restore_first restore_second; do
    "$SNNC" run $m.snn --native=off -o out_$m > log_$m 2>&1 || { echo "$m: exit $?"; cat log_$m; exit 0; }
done
echo "spikes: $(($(wc -l < out_straight/spike_mon.csv) - 1)), trace rows: $(($(wc -l < out_straight/state_mon.csv) - 1))"
for m in restore_first restore_second; do
    for f in spike_mon.csv state_mon.csv; do
        if cmp -s out_straight/$f out_$m/$f; then echo "$m $f same"; else echo "$m $f DIFFERS"; fi
    done
done
grep -h "simulated" log_restore_first log_restore_second
