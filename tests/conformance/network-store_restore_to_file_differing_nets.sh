#!/bin/sh
# Brian2 test_network.py::test_store_restore_to_file_differing_nets in the
# language: a state stored to a file by one network (source_1 and monitor)
# must be refused, with an error and a non-zero exit, by a network whose
# generator has another name (source_2), and by one without the monitor.
# usage: network-store_restore_to_file_differing_nets.sh SNNC WORKDIR
SNNC=$1; W=$2
mkdir -p "$W" && cd "$W" || exit 1
rm -f state.bin
cat > stored.snn <<'NET'
spikegenerator source_1(5, indices=[0, 1, 2, 3, 4], times=[0, 1, 2, 3, 4]*ms)
spikemonitor monitor(source_1)
store to "state.bin"
run 5*ms
NET
cat > other_name.snn <<'NET'
spikegenerator source_2(5, indices=[0, 1, 2, 3, 4], times=[0, 1, 2, 3, 4]*ms)
spikemonitor monitor(source_2)
restore from "state.bin"
run 5*ms
NET
cat > no_monitor.snn <<'NET'
spikegenerator source_1(5, indices=[0, 1, 2, 3, 4], times=[0, 1, 2, 3, 4]*ms)
restore from "state.bin"
run 5*ms
NET
"$SNNC" run stored.snn --native=off -o out_stored > log_stored 2>&1 || { echo "stored: exit $?"; cat log_stored; exit 0; }
for m in other_name no_monitor; do
    "$SNNC" run $m.snn --native=off -o out_$m > log_$m 2>&1
    rc=$?
    echo "$m: status $rc"
    cat log_$m
done
