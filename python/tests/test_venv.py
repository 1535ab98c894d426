# SPDX-License-Identifier: MIT
"""This file contains the test that the package installs with pip, without
network, into a fresh virtual environment and works from there."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import SOURCE


@pytest.mark.skipif(os.environ.get("SNNC_VENV_TEST") != "1", reason="the slower venv test runs as test-python-venv")
def test_pip_install_in_venv(tmp_path, examples):
    src = tmp_path / "src"
    shutil.copytree(os.path.join(SOURCE, "python"), src, ignore=shutil.ignore_patterns("tests", "__pycache__",
                                                                                       "build", "*.egg-info"))
    env_dir = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(env_dir)], check=True)
    py = str(env_dir / "bin" / "python")
    subprocess.run([py, "-m", "pip", "install", "-q", "--no-index", "--no-build-isolation", str(src)], check=True,
                   cwd=tmp_path)
    code = ("import snnc, sys; assert snnc.__file__.startswith(sys.prefix), snnc.__file__; "
            "n = snnc.load(%r); n.run(0.1); print(*n['SM'].count)" % os.path.join(examples, "tutorial.snn"))
    out = subprocess.run([py, "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path)
    assert out.stdout.split() == ["20", "13", "1"]
