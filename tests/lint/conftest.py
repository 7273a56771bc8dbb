"""Fixtures of the lint tests: a tiny real course per test module, linted in real Chromium."""

from __future__ import annotations

import shutil

import pytest

from builder.render.chromium import CHROMIUM


@pytest.fixture(scope="session")
def chromium(missing_tool) -> str:
    """Lint starts its own Chromium (tests/conftest.py marks the tests that need it)."""
    if not shutil.which(CHROMIUM):
        missing_tool(f"{CHROMIUM} not installed (apt-get install chromium)")
    return CHROMIUM
