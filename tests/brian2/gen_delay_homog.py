"""Brian2 reference: SpikeGeneratorGroup -> Synapses (homogeneous delay 1.5 ms,
on_pre 'v_post += w') -> LIF group.
Run: /usr/bin/python3 tests/brian2/gen_delay_homog.py"""
from _delay_model import generate

generate('delay_homog', '''S = Synapses(inp, G, 'w : volt', on_pre='v_post += w', delay=1.5*ms)''',
         'Homogeneous synaptic delay (delay=1.5*ms given to Synapses).')
