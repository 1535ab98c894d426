" This file contains the detection of snnc model files (*.snn) for Vim.
autocmd BufRead,BufNewFile *.snn setfiletype snn
