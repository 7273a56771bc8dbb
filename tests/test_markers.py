"""The markers behind `make test-fast`: applied from what a test uses, so none is forgotten."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A pytest plugin for the collecting process: every test with its fixtures and markers.
PLUGIN = """\
import json, os

def pytest_collection_finish(session):
    rows = [{"id": item.nodeid, "fixtures": sorted(getattr(item, "fixturenames", ())),
             "markers": sorted({m.name for m in item.iter_markers()})} for item in session.items]
    with open(os.environ["MARKERS_OUT"], "w") as out:
        json.dump(rows, out)
"""


@pytest.fixture(scope="module")
def tests(tmp_path_factory) -> list[dict]:
    folder = tmp_path_factory.mktemp("plugin")
    (folder / "list_markers.py").write_text(PLUGIN)
    out = folder / "tests.json"
    env = {**os.environ, "PYTHONPATH": str(folder), "MARKERS_OUT": str(out)}
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                             "-p", "list_markers", "tests"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(out.read_text())


@pytest.mark.slow
def test_what_a_test_uses_marks_it(tests):
    by_fixture = {"browser": {"browser", "slow"}, "chromium": {"browser", "slow"},
                  "cache_home": {"kubectl", "slow"}, "built_course": {"slow"}}
    for fixture, wanted in by_fixture.items():
        users = [t for t in tests if fixture in t["fixtures"]]
        assert users, f"no test uses {fixture}: the rule proves nothing"
        for t in users:
            assert wanted <= set(t["markers"]), t
    assert all("kubectl" in t["markers"] for t in tests if "/test_kubectl.py::" in t["id"])


@pytest.mark.slow
def test_tests_that_need_nothing_stay_in_the_fast_subset(tests):
    fast = [t["id"] for t in tests if not {"browser", "kubectl", "slow"} & set(t["markers"])]
    assert len(fast) > len(tests) / 3
    assert any("test_key_names" in t for t in fast)  # pure unit tests
    assert not any("test_hung_step" in t for t in fast)  # marked slow by hand
