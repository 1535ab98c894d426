#!/bin/sh
# Brian2 test_network.py::test_restore_with_random_state, its
# restore_random_state=True half, in the language: noise and rand() after a
# restore repeat (snnc's random numbers are keyed by the step), so v ends as
# after the first 10 ms.
# usage: network-restore_with_random_state.sh SNNC WORKDIR
SNNC=$1; W=$2
mkdir -p "$W" && cd "$W" || exit 1
cat > net.snn <<'NET'
neurons group[10] {
    model { dv/dt = -v/(10*ms) + (10*ms)**-0.5*xi : 1 }
    method: euler
    init { v = rand() }
}
NET
{ cat net.snn; echo 'run 10*ms'; } > once.snn
{ cat net.snn; printf 'store\nrun 10*ms\nrestore\nrun 10*ms\n'; } > restored.snn
for m in once restored; do
    "$SNNC" run $m.snn --native=off --save-state -o out_$m > log_$m 2>&1 || { echo "$m: exit $?"; cat log_$m; exit 0; }
done
if cmp -s out_once/group.state.csv out_restored/group.state.csv; then echo "v the same"; else echo "v DIFFERS"; fi
echo "distinct values of v: $(tail -n +2 out_once/group.state.csv | cut -d, -f1 | sort -u | wc -l)"
