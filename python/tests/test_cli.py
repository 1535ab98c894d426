# SPDX-License-Identifier: MIT
"""This file contains the tests that snnc from Python gives the numbers
'snnc run' gives: the tutorial and the CUBA network, with the same seed."""
import csv
import os
import subprocess

import numpy as np
import pytest

import snnc


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], np.array([[float(x) for x in r] for r in rows[1:]], dtype=np.float64).reshape(-1, len(rows[0]))


def run_cli(cli, model, out, *args):
    subprocess.run([cli, "run", model, "-o", str(out)] + list(args), check=True, stdout=subprocess.DEVNULL)


@pytest.mark.parametrize("seed", [0, 7])
def test_tutorial_equals_cli(cli, examples, tmp_path, seed):
    model = os.path.join(examples, "tutorial.snn")
    run_cli(cli, model, tmp_path, "--seed", str(seed), "--set", "w_gi=0.5*nS")
    net = snnc.load(model, seed=seed, set={"w_gi": "0.5*nS"})
    net.run()                                # the model's run statements
    _, sm = read_csv(tmp_path / "SM.csv")
    np.testing.assert_array_equal(net["SM"].i, sm[:, 0].astype(np.int32))
    np.testing.assert_allclose(net["SM"].t, sm[:, 1], rtol=0, atol=1e-12)
    head, m = read_csv(tmp_path / "M.csv")
    assert head == ["t", "v_0", "v_1", "v_2"]
    np.testing.assert_array_equal(net["M"].v[:, :], m[:, 1:])     # 17 digits read back exactly


def test_cuba_equals_cli(cli, examples, tmp_path):
    model = os.path.join(examples, "cuba.snn")
    run_cli(cli, model, tmp_path, "--seed", "3")
    net = snnc.load(model, seed=3)
    net.run("1*second")
    _, sm = read_csv(tmp_path / "s_mon.csv")
    assert net["s_mon"].num_spikes == len(sm) > 1000
    np.testing.assert_array_equal(net["s_mon"].i, sm[:, 0].astype(np.int32))
    np.testing.assert_allclose(net["s_mon"].t, sm[:, 1], rtol=0, atol=1e-12)


POISSON_INPUT = """
# a Poisson input's binomial draws: the table made once per step (abi.h's
# snn_binomial) crosses from the tcc-compiled code to the library here
neurons G[2000] {
    model { dv/dt = -v/(10*ms) : 1 }
    threshold: v > 1
    reset: v = 0
    method: exact
}
poissoninput bg(G.v, N=1600, rate=8*Hz, weight=0.08)
poissoninput big(G.v, N=500, rate=200*Hz, weight=0.001)
spikemonitor sp(G)
statemonitor m(G.v, record=[0, 1999])
run 50*ms
"""


def test_poisson_input_equals_cli(cli, tmp_path):
    model = tmp_path / "poisson.snn"
    model.write_text(POISSON_INPUT)
    out = tmp_path / "out"
    run_cli(cli, str(model), out, "--seed", "5", "--native=off")
    net = snnc.loads(POISSON_INPUT, seed=5)
    net.run()
    _, sp = read_csv(out / "sp.csv")
    assert net["sp"].num_spikes == len(sp) > 100
    np.testing.assert_array_equal(net["sp"].i, sp[:, 0].astype(np.int32))
    _, m = read_csv(out / "m.csv")
    np.testing.assert_array_equal(net["m"].v[:, :], m[:, 1:])
