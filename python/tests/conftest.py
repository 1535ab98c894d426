# SPDX-License-Identifier: MIT
"""This file contains the fixtures of snnc's Python tests: the source tree,
the snnc program to compare with, and a temporary directory."""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("SNNC_SOURCE") or os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "python"))


@pytest.fixture
def examples():
    return os.path.join(SOURCE, "examples")


@pytest.fixture
def cli():
    path = os.environ.get("SNNC_CLI") or os.path.join(SOURCE, "build", "snnc")
    if not os.path.exists(path):
        pytest.fail("no snnc program at %s (set SNNC_CLI)" % path)
    return path
