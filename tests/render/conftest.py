"""Fixtures of the deck runtime tests: a Chromium session, the built Consul deck, axe-core."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest
from runtime_support import Session

AXE = "axe-core@4.14.1"
AXE_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "coursekit" / f"{AXE}.min.js"


@pytest.fixture
def session(browser):
    s = Session(browser)
    yield s
    s.close()


@pytest.fixture
def url(built_course: Path) -> str:
    return (built_course / "en" / "kube-consul.html").as_uri()


@pytest.fixture(scope="session")
def axe_source(missing_tool) -> str:
    """axe-core's browser build, fetched once with `npm pack` and cached; without npm the tests
    skip locally and fail in CI (.ci/run installs npm)."""
    if not AXE_CACHE.is_file():
        npm = shutil.which("npm")
        if not npm:
            missing_tool(f"npm is not installed: cannot fetch {AXE} (the checks above still ran)")
        with tempfile.TemporaryDirectory() as tmp:
            result = subprocess.run([npm, "pack", AXE, "--pack-destination", tmp, "--silent"],
                                    capture_output=True, text=True, timeout=180)
            packed = list(Path(tmp).glob("axe-core-*.tgz"))
            if result.returncode or not packed:
                missing_tool(f"npm pack {AXE} failed: {result.stderr.strip()[-300:]}")
            with tarfile.open(packed[0]) as tar:
                source = tar.extractfile("package/axe.min.js").read()
        AXE_CACHE.parent.mkdir(parents=True, exist_ok=True)
        partial = AXE_CACHE.with_suffix(".tmp")
        partial.write_bytes(source)
        partial.replace(AXE_CACHE)
    return AXE_CACHE.read_text(encoding="utf-8")
