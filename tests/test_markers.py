"""The markers behind `make test-fast`: applied from what a test uses, so none is forgotten."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def collected(*args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                             *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return {line for line in result.stdout.splitlines() if "::" in line}


@pytest.mark.slow
def test_the_fast_subset_leaves_out_chromium_kubectl_and_slow_tests():
    every = collected("tests")
    fast = collected("tests", "-m", "not browser and not kubectl and not slow")
    browser = collected("tests", "-m", "browser")
    assert fast and browser and fast < every
    # Every deck runtime test takes the `browser` fixture, directly or through `session`.
    assert {t for t in every if "/test_runtime_" in t} <= browser
    assert not any("test_kubectl.py" in t or "test_static.py" in t or "test_rule_checker.py" in t
                   for t in fast)
    assert not any("test_hung_step" in t for t in fast)  # marked slow by hand
    assert any("test_key_names" in t for t in fast)  # pure unit tests stay in
