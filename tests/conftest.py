"""Fixtures that write tiny real courses into tmp_path, and the markers that make `make test-fast`.

Markers are applied here, from what a test uses, rather than by hand in each file: a test that
takes the `browser` fixture needs Chromium whether or not its author remembered to say so.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

from builder.chapter import parse_chapter
from builder.model import Chapter

ROOT = Path(__file__).resolve().parent.parent

# What a test needs, read from the fixtures it uses (directly or through other fixtures) ...
MARKERS_BY_FIXTURE = {
    "browser": ("browser", "slow"),  # a real Chromium
    "chromium": ("browser", "slow"),  # lint's own Chromium (tests/lint/conftest.py)
    "built_course": ("slow",),  # the real course, built in both languages
    "cache_home": ("kubectl", "slow"),  # a fresh cache: `labs check` learns kubectl's grammar anew
    "kubectl_cache": ("kubectl", "slow"),  # the same, learnt once for every module that shares it
}
# ... or from its module, where every test in it needs the same thing.
MARKERS_BY_MODULE = {
    "tests/labs/test_kubectl.py": ("kubectl",),  # the grammar learnt from the real kubectl's help
}
# Other tests that take seconds say so themselves with @pytest.mark.slow.


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        wanted: set[str] = set()
        for fixture, markers in MARKERS_BY_FIXTURE.items():
            if fixture in getattr(item, "fixturenames", ()):
                wanted.update(markers)
        path = Path(str(item.path)).resolve()
        if path.is_relative_to(ROOT):
            wanted.update(MARKERS_BY_MODULE.get(path.relative_to(ROOT).as_posix(), ()))
        for name in sorted(wanted - {m.name for m in item.iter_markers()}):
            item.add_marker(getattr(pytest.mark, name))


GUARD = """#!/bin/sh
echo "$0 $*" >> "$COURSEKIT_TEST_KUBECTL_CALLS"
echo "kubectl: this test is not marked kubectl (see tests/conftest.py)" >&2
exit 127
"""


@pytest.fixture(scope="session")
def kubectl_guard(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kubectl-guard")
    (folder / "kubectl").write_text(GUARD)
    (folder / "kubectl").chmod(0o755)
    return folder


@pytest.fixture(scope="session", autouse=True)
def _build_cache_of_the_session(tmp_path_factory):
    """Builds cache their chapters in a folder of this session, never the user's own cache;
    subprocesses (`coursekit build`) inherit it."""
    if "COURSEKIT_BUILD_CACHE" not in os.environ:
        os.environ["COURSEKIT_BUILD_CACHE"] = str(tmp_path_factory.mktemp("build-cache"))
    yield


@pytest.fixture(autouse=True)
def _kubectl_only_where_marked(request, kubectl_guard: Path, monkeypatch, tmp_path_factory):
    """A test not marked `kubectl` finds a kubectl on PATH that refuses to run and tells on it,
    so a test that needs the real one cannot hide in `make test-fast`."""
    if request.node.get_closest_marker("kubectl"):
        yield
        return
    calls = tmp_path_factory.mktemp("kubectl-calls") / "calls"
    monkeypatch.setenv("COURSEKIT_TEST_KUBECTL_CALLS", str(calls))
    monkeypatch.setenv("PATH", f"{kubectl_guard}{os.pathsep}{os.environ.get('PATH', '')}")
    yield
    if calls.exists():
        pytest.fail(f"ran kubectl without the kubectl marker: {calls.read_text().strip()}",
                    pytrace=False)


class Course:
    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def chapter(self, text: str, rel: str = "slides/ch.md") -> Chapter:
        path = self.write(rel, text)
        return parse_chapter(path.read_text(encoding="utf-8"), rel, self.root)


@pytest.fixture(scope="session")
def kubectl_cache(tmp_path_factory) -> Path:
    """An XDG_CACHE_HOME where kubectl's grammar is learnt once per session, for tests that run
    `labs check` in-process (they set it with monkeypatch)."""
    return tmp_path_factory.mktemp("xdg-cache")


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return Course(tmp_path)


@pytest.fixture
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def missing_tool():
    """`missing_tool(reason)`: skip here, fail in CI."""
    return unavailable


@pytest.fixture(scope="session")
def built_course(tmp_path_factory) -> Path:
    """The real course, built once into a temporary dist folder."""
    from builder.build import build

    out = tmp_path_factory.mktemp("dist")
    build(ROOT, out)
    return out


CHROMIUM = os.environ.get("COURSEKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def unavailable(reason: str) -> None:
    """A tool a test needs is missing: skipped on a developer's machine, a failure in CI, where
    .ci/run installs everything (a suite that skips there would prove nothing)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must provide it (.ci/run installs it)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; CI installs it, so there it must exist."""
    if not shutil.which(CHROMIUM):
        unavailable(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The chapters parsed, in order, from here on (counted where the course layer parses:
    what a cache spares shows as chapters missing here)."""
    from builder.course import chapters as compile_module

    calls: list[str] = []
    real = compile_module.parse_chapter
    monkeypatch.setattr(compile_module, "parse_chapter",
                        lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    return calls
