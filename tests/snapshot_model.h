/* The small network the snapshot tests and the snapshot fuzz target share:
 * four neurons, per-synapse delays (spikes in flight at any step), a spike
 * monitor and a state monitor.  The same model as tests/defects/snapmodel.snn. */
#ifndef SNAPSHOT_MODEL_H
#define SNAPSHOT_MODEL_H

#define SNAPSHOT_SMALL_MODEL \
    "neurons G[4] {\n" \
    "    model { dv/dt = (1.5 - v)/(2*ms) : 1 }\n" \
    "    threshold: v > 1\n" \
    "    reset: v = 0\n" \
    "    init { v = 0.2*i }\n" \
    "}\n" \
    "synapses S(G -> G) {\n" \
    "    model { w : 1 }\n" \
    "    on_pre: v_post += w\n" \
    "    delay: (i + 1)*0.3*ms\n" \
    "    connect('i != j')\n" \
    "    init { w = 0.01 }\n" \
    "}\n" \
    "spikemonitor SM(G)\n" \
    "statemonitor M(G.v, record=[0, 3])\n"

#endif
