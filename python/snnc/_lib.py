# SPDX-License-Identifier: MIT
"""This file contains the ctypes declarations of libsnn (snn.h) and the
search for the library: $SNNC_LIBRARY, then the installed libsnn.so.0, then
a build directory beside the package's source tree."""
import ctypes
import ctypes.util
import os

_here = os.path.dirname(os.path.abspath(__file__))

c_ctx = ctypes.c_void_p
c_snap = ctypes.c_void_p
CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)

# name: (restype, argtypes)
_P = ctypes.POINTER
_cp = ctypes.c_char_p
_i = ctypes.c_int
_d = ctypes.c_double
_sz = ctypes.c_size_t
_PROTOS = {
    "snn_new": (c_ctx, []),
    "snn_free": (None, [c_ctx]),
    "snn_version": (_cp, []),
    "snn_load_file": (_i, [c_ctx, _cp]),
    "snn_load_string": (_i, [c_ctx, _cp, _sz, _cp]),
    "snn_set_override": (_i, [c_ctx, _cp]),
    "snn_set_seed": (_i, [c_ctx, ctypes.c_uint64]),
    "snn_add_const": (_i, [c_ctx, _cp, _cp]),
    "snn_add_neurons": (_i, [c_ctx, _cp, ctypes.c_int64, _cp, _cp, _cp, _cp, _cp]),
    "snn_add_synapses": (_i, [c_ctx, _cp, _cp, _cp, _cp, _cp, _cp, _cp]),
    "snn_add_monitor": (_i, [c_ctx, _cp, _cp, _cp]),
    "snn_add_input": (_i, [c_ctx, _cp, _cp, _cp]),
    "snn_set_item": (_i, [c_ctx, _cp, _cp, _cp]),
    "snn_add_item": (_i, [c_ctx, _cp, _cp, _cp]),
    "snn_model_source": (_cp, [c_ctx]),
    "snn_set_native": (_i, [c_ctx, _i]),
    "snn_build": (_i, [c_ctx]),
    "snn_run": (_i, [c_ctx, _d]),
    "snn_run_steps": (_i, [c_ctx, ctypes.c_int64]),
    "snn_run_script": (_i, [c_ctx]),
    "snn_time": (_d, [c_ctx]),
    "snn_dt": (_d, [c_ctx]),
    "snn_request_stop": (None, [c_ctx]),
    "snn_stopped": (_i, [c_ctx]),
    "snn_script_steps": (ctypes.c_int64, [c_ctx]),
    "snn_var_unit": (_cp, [c_ctx, _cp, _cp]),
    "snn_write_run": (_i, [c_ctx, _cp, _cp, _i]),
    "snn_add_callback": (_i, [c_ctx, _i, ctypes.c_int64, CALLBACK, ctypes.c_void_p]),
    "snn_clear_callbacks": (_i, [c_ctx]),
    "snn_group_size": (ctypes.c_int64, [c_ctx, _cp]),
    "snn_var": (_P(_d), [c_ctx, _cp, _cp, _P(_sz)]),
    "snn_set_var": (_i, [c_ctx, _cp, _cp, _P(_d), _sz]),
    "snn_var_name": (_cp, [c_ctx, _cp, _i]),
    "snn_get_const": (_i, [c_ctx, _cp, _P(_d)]),
    "snn_set_const": (_i, [c_ctx, _cp, _d]),
    "snn_add_spikes": (_i, [c_ctx, _cp, _P(ctypes.c_int32), _P(_d), _sz]),
    "snn_synapses": (_i, [c_ctx, _cp, _P(_P(ctypes.c_int32)), _P(_P(ctypes.c_int32)), _P(_sz)]),
    "snn_spikes": (_i, [c_ctx, _cp, _P(_P(ctypes.c_int32)), _P(_P(ctypes.c_int64)), _P(_sz)]),
    "snn_trace": (_i, [c_ctx, _cp, _P(_P(ctypes.c_int64)), _P(_sz), _P(_P(_d)), _P(_P(ctypes.c_int32)),
                       _P(_i), _P(_i)]),
    "snn_trace_var": (_cp, [c_ctx, _cp, _i]),
    "snn_clear_monitors": (_i, [c_ctx]),
    "snn_monitor_count": (_i, [c_ctx]),
    "snn_monitor_name": (_cp, [c_ctx, _i]),
    "snn_write_outputs": (_i, [c_ctx, _cp]),
    "snn_write_state": (_i, [c_ctx, _cp]),
    "snn_summary": (_cp, [c_ctx]),
    "snn_set_check_finite": (_i, [c_ctx, _i]),
    "snn_generated_code": (_cp, [c_ctx]),
    "snn_methods": (_cp, [c_ctx]),
    "snn_store": (_i, [c_ctx, _cp]),
    "snn_restore": (_i, [c_ctx, _cp]),
    "snn_restore_random_state": (_i, [c_ctx, _cp]),
    "snn_snapshot_take": (_i, [c_ctx, _P(c_snap)]),
    "snn_snapshot_restore": (_i, [c_ctx, c_snap]),
    "snn_snapshot_free": (None, [c_snap]),
    "snn_snapshot_save": (_i, [c_ctx, _cp]),
    "snn_snapshot_load": (_i, [c_ctx, _cp]),
    "snn_timings": (None, [c_ctx, _P(_d), _P(_d), _P(_d), _P(_d)]),
    "snn_errmsg": (_cp, [c_ctx]),
    "snn_diag_count": (_i, [c_ctx]),
    "snn_diag_get": (_i, [c_ctx, _i, _P(_cp), _P(_i), _P(_i), _P(_cp)]),
}


def _candidates():
    """Where libsnn may be, in the order tried."""
    env = os.environ.get("SNNC_LIBRARY")
    if env:
        return [env]
    out = ["libsnn.so.0"]
    found = ctypes.util.find_library("snn")
    if found:
        out.append(found)
    # a source checkout: python/snnc -> ../../build/libsnn.so
    out.append(os.path.join(_here, "..", "..", "build", "libsnn.so"))
    return out


def _open():
    errors = []
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            errors.append("%s: %s" % (path, e))
            continue
        for name, (res, args) in _PROTOS.items():
            f = getattr(lib, name)
            f.restype = res
            f.argtypes = args
        return lib, path
    raise ImportError("snnc: cannot load libsnn (build it with meson and set SNNC_LIBRARY to its libsnn.so, "
                      "or install it with 'meson install'): " + "; ".join(errors))


lib, path = _open()
