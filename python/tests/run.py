# SPDX-License-Identifier: MIT
"""This file runs snnc's Python tests with pytest for the build: it fails
when pytest is missing, finds no tests (pytest's exit code 5), or fewer
than expected."""
import os
import sys

try:
    import pytest
except ImportError:
    sys.exit("pytest is not installed for %s (apt-get install python3-pytest)" % sys.executable)


class Count:
    """Counts the tests that ran."""
    ran = 0

    def pytest_runtest_logreport(self, report):
        if report.when == "call":
            Count.ran += 1


here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:] or [here]
rc = pytest.main(["-q", "-p", "no:cacheprovider", "-o", "python_files=test_*.py"] + args, plugins=[Count()])
if rc == 5 or (rc == 0 and Count.ran == 0):
    print("no Python tests ran", file=sys.stderr)
    sys.exit(1)
sys.exit(int(rc))
