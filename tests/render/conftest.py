"""Fixtures of the deck runtime tests: a Chromium session and the built Consul deck."""

from __future__ import annotations

from pathlib import Path

import pytest
from runtime_support import Session


@pytest.fixture
def session(browser):
    s = Session(browser)
    yield s
    s.close()


@pytest.fixture
def url(built_course: Path) -> str:
    return (built_course / "en" / "kube-consul.html").as_uri()
