"""Brian2 reference: SpikeGeneratorGroup -> Synapses (heterogeneous delays
S.delay = 'j*0.7*ms', on_pre 'v_post += w') -> LIF group.
Run: /usr/bin/python3 tests/brian2/gen_delay_hetero.py"""
from _delay_model import generate

generate('delay_hetero', '''S = Synapses(inp, G, 'w : volt', on_pre='v_post += w')''',
         'Heterogeneous per-synapse delays, S.delay = \'j*0.7*ms\' (0, 0.7, 1.4, 2.1 ms for targets 0..3).',
         post_connect="S.delay = 'j*0.7*ms'\n")
