" This file contains Vim syntax highlighting for snnc model files (.snn):
" declarations, items, units, functions, strings, numbers and comments.
if exists('b:current_syntax')
  finish
endif

syntax keyword snnDecl neurons synapses spikemonitor statemonitor ratemonitor eventmonitor
syntax keyword snnDecl spikegenerator poissongroup poissoninput timedarray subgroup
syntax keyword snnDecl morphology spatialneurons
syntax keyword snnItem Cm Ri threshold_location
syntax keyword snnStatement run print store restore
syntax keyword snnOperator and or not
syntax keyword snnConstant True False pi e inf
syntax keyword snnItem model threshold reset refractory method init order delay
syntax keyword snnItem on_pre on_post connect run_regularly pre_order post_order summed_when link
syntax keyword snnItem events run_on_event on_event
syntax keyword snnFlag unless refractory constant shared event linked contained
syntax keyword snnBuiltin t dt i j N N_pre N_post lastspike not_refractory xi
syntax keyword snnFunction exp log log10 sqrt sin cos tan sinh cosh tanh arcsin arccos arctan
syntax keyword snnFunction abs sign floor ceil clip int exprel expm1 log1p timestep rand randn poisson
syntax keyword snnFunction column range sample
syntax keyword snnMethod euler rk2 rk4 heun milstein exponential_euler exact linear
syntax match snnUnit "\<\(k\|m\|u\|n\|p\|f\|M\|G\|c\|d\)\?\(volt\|amp\|siemens\|farad\|ohm\|second\|hertz\|metre\|meter\|gram\|mole\|kelvin\|coulomb\|joule\|watt\|molar\|liter\|litre\)\>"
syntax match snnUnit "\<\(k\|m\|u\|n\|p\|f\|M\|G\|c\)\?\(V\|A\|S\|F\|s\|Hz\|m\|g\|mol\|M\|ohm\|l\|L\)\>\(2\|3\)\?"
syntax match snnNumber "\<\d\+\(\.\d*\)\?\([eE][-+]\?\d\+\)\?\>"
syntax match snnNumber "\.\d\+\([eE][-+]\?\d\+\)\?\>"
syntax match snnComment "#.*$" contains=snnTodo
syntax keyword snnTodo TODO FIXME XXX contained
syntax region snnString start=+'''+ end=+'''+
syntax region snnString start=+"""+ end=+"""+
syntax region snnString start=+'+ skip=+\\'+ end=+'+ oneline
syntax region snnString start=+"+ skip=+\\"+ end=+"+ oneline
syntax region snnFlags start="(\(unless\|constant\|shared\|event\|summed\)" end=")" oneline contains=snnFlag
syntax match snnDerivative "\<d\w\+/dt\>"

highlight default link snnDecl Structure
highlight default link snnStatement Statement
highlight default link snnOperator Operator
highlight default link snnConstant Constant
highlight default link snnItem Keyword
highlight default link snnFlag PreProc
highlight default link snnFlags PreProc
highlight default link snnBuiltin Identifier
highlight default link snnFunction Function
highlight default link snnMethod Type
highlight default link snnUnit Type
highlight default link snnNumber Number
highlight default link snnComment Comment
highlight default link snnTodo Todo
highlight default link snnString String
highlight default link snnDerivative Identifier

let b:current_syntax = 'snn'
