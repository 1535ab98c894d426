#!/bin/sh
# Brian2 test_network.py::test_store_restore_spikequeue in the language: a
# spike in flight (delay 2 steps, stored after one step) is delivered after
# every restore; v of the target after each point of the protocol.
# usage: network-store_restore_spikequeue.sh SNNC WORKDIR
SNNC=$1; W=$2
mkdir -p "$W" && cd "$W" || exit 1
cat > net.snn <<'NET'
spikegenerator source(1, indices=[0], times=[0]*ms)
neurons target[1] { model { v : 1 } }
synapses conn(source -> target) {
    on_pre: v += 1
    delay: 2*0.1*ms
    connect()
}
run 0.1*ms
store
run 0.2*ms
NET
printf '' > after_run.snn
printf 'restore\nrun 0*ms\n' > after_restore.snn
printf 'restore\nrun 0.2*ms\n' > after_restore_run.snn
printf 'restore\nrun 0.2*ms\nrestore\nrun 0*ms\n' > after_restore2.snn
printf 'restore\nrun 0.2*ms\nrestore\nrun 0.2*ms\n' > after_restore2_run.snn
for m in after_run after_restore after_restore_run after_restore2 after_restore2_run; do
    cat net.snn $m.snn > m_$m.snn
    "$SNNC" run m_$m.snn --native=off --save-state -o out_$m > log_$m 2>&1 || { echo "$m: exit $?"; cat log_$m; exit 0; }
    echo "$m: v = $(sed -n 2p out_$m/target.state.csv | cut -d, -f1)"
done
