#!/bin/sh
# Signals while snnc writes its outputs: the first one during the run stops
# it, one more during the writing kills snnc, which first removes its
# temporary files.  Whenever it dies, the output directory holds no temporary
# and its M.csv is either the old one or a whole new one.
# usage: kill-while-writing.sh SNNC WORKDIR
SNNC=$1; W=$2
mkdir -p "$W" && cd "$W" || exit 1
printf 'neurons G[4000] { model { dv/dt = (1.1-v)/(10*ms) : 1 }\n threshold: v > 1\n reset: v = 0 }\nstatemonitor M(G.v, record=all)\nrun 200*ms\n' > w.snn
for delay in 0.2 0.4 0.6; do
    rm -rf out && mkdir out && printf 't,v_0\nOLD\n' > out/M.csv
    "$SNNC" run w.snn -o out --native=off >/dev/null 2>&1 &
    p=$!
    sleep $delay
    while kill -TERM $p 2>/dev/null; do sleep 0.05; done
    wait $p; code=$?
    tmp=$(ls -A out | grep -c tmp)
    if [ "$(sed -n 2p out/M.csv)" = OLD ]; then m=old; elif [ "$(tail -c 1 out/M.csv | od -An -c | tr -d ' ')" = '\n' ]; then m=whole; else m=broken; fi
    echo "after $delay s: exit $code, temporaries $tmp, M.csv $m"
done
