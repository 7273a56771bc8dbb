"""The realistic benchmark course is only worth its figures if it is a course coursekit reads
cleanly, made the same way every time: checked here on a small course of the same shape."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from builder.build import build
from builder.render import diagrams

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # for tests.bench.*, as the benchmarks do
    sys.path.insert(0, str(ROOT))

from tests.bench.realistic import TINY, realistic_course  # noqa: E402

pytestmark = pytest.mark.slow  # each test generates or builds a course: seconds

FORMATS = {".png": "PNG", ".jpg": "JPEG"}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return realistic_course(1, TINY, out=tmp_path_factory.mktemp("realistic"), log=lambda _: None)


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".generated"}


def test_same_seed_same_bytes(tiny, tmp_path):
    again = realistic_course(1, TINY, out=tmp_path, log=lambda _: None)
    assert tree(again.repo) == tree(tiny.repo)


def test_a_second_call_reuses_the_course_and_a_partial_one_is_never_trusted(tiny, tmp_path):
    said: list[str] = []
    realistic_course(1, TINY, out=tiny.repo.parent, log=said.append)
    assert said == []
    (tiny.repo.parent / "course-x1.partial").mkdir(exist_ok=True)
    stale = tmp_path / "course-x1"
    stale.mkdir()
    (stale / ".generated").write_text("a key of other inputs")
    (stale / "course.json").write_text("{}")
    made = realistic_course(1, TINY, out=tmp_path, log=said.append)
    assert len(said) == 1 and made.chapters == TINY.chapters


def test_pictures_are_real_files_of_their_format(tiny):
    found = sorted((tiny.repo / "slides" / "images").iterdir())
    assert len(found) == TINY.pictures
    for path in found:
        if path.suffix == ".svg":
            assert ET.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"
            continue
        with Image.open(path) as image:
            assert image.format == FORMATS[path.suffix], path
            image.load()  # decodes every pixel: a truncated or corrupt file raises
    assert {p.suffix for p in found} >= {".png", ".jpg"}


def test_the_course_builds_without_warnings_in_decks_of_the_planned_size(tiny, tmp_path):
    report = build(tiny.repo, tmp_path / "dist", langs=("en", "fr"))
    # Without npm, `make setup` cannot fetch mermaid: its diagrams then stay as source, said once each.
    expected = "mermaid diagram shown as its source" if diagrams.library() is None else None
    assert [str(w) for w in report.warnings if not expected or expected not in str(w)] == []
    for deck, planned in tiny.decks.items():
        html = (tmp_path / "dist" / "en" / f"{deck}.html").read_text()
        shown = len(re.findall(r'<section class="slide(?![^>]*data-generated)', html))
        assert shown == planned, deck
        assert planned >= next(d.slides for d in TINY.decks if d.stem == deck)
    pictures = {p.name for p in (tmp_path / "dist" / "en" / "images").iterdir()}
    assert len(pictures) >= TINY.pictures * 9 // 10  # nearly all pictures are used somewhere
    french = (tmp_path / "dist" / "fr" / f"{tiny.biggest}.html").read_text()
    assert "FR " in french


@pytest.mark.kubectl
def test_its_labs_pass_the_check(tiny, tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-m", "builder", "labs", "check", "-q", "--repo",
                             str(tiny.repo)], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"checked {tiny.labs} labs" in result.stdout
    assert re.search(r"\b0 error", result.stdout) and re.search(r"\b0 warning", result.stdout)


def test_a_scaled_course_is_k_copies_with_their_own_paths(tmp_path):
    double = realistic_course(2, TINY, out=tmp_path, log=lambda _: None)
    assert double.chapters == 2 * TINY.chapters
    assert len(double.decks) == 2 * len(TINY.decks)
    copies = sorted((double.repo / "slides" / "images" / "r1").iterdir())
    assert len(copies) == TINY.pictures
    assert all(p.stat().st_nlink == 2 for p in copies)  # hard links: bytes to copy, none to make
