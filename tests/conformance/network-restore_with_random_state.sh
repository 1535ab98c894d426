#!/bin/sh
# Brian2 test_network.py::test_restore_with_random_state in the language:
# after a plain restore the noise is new (v ends elsewhere, in every
# neuron); after restore(restore_random_state=True) it repeats the noise of
# the run after the store, so v ends as after the first 10 ms.
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
{ cat net.snn; printf 'store()\nrun 10*ms\nrestore()\nrun 10*ms\n'; } > plain.snn
{ cat net.snn; printf 'store()\nrun 10*ms\nrestore()\nrun 10*ms\nrestore(restore_random_state=True)\nrun 10*ms\n'; } > random.snn
for m in once plain random; do
    "$SNNC" run $m.snn --native=off --save-state -o out_$m > log_$m 2>&1 || { echo "$m: exit $?"; cat log_$m; exit 0; }
done
# Brian2: assert np.var(old_v - group.v) > 0 after restore()
echo "neurons whose v differs after restore(): $(paste -d' ' out_once/group.state.csv out_plain/group.state.csv | tail -n +2 | awk '$1 != $2' | wc -l)"
# Brian2: assert_equal(old_v, group.v) after restore(restore_random_state=True)
if cmp -s out_once/group.state.csv out_random/group.state.csv; then echo "v the same after restore_random_state"; else echo "v DIFFERS after restore_random_state"; fi
echo "distinct values of v: $(tail -n +2 out_once/group.state.csv | cut -d, -f1 | sort -u | wc -l)"
