"""Hostile and careless courses through the real CLI: no traceback, exit 0 or 1, every finding
at a real path:line, dist/ never torn, nothing outside the repository opened (issue 13)."""

from __future__ import annotations

import itertools
from pathlib import Path

from grammar import course
from harness import check_course
from hypothesis import given

_EXAMPLES = itertools.count()


def test_the_harness_sees_a_file_opened_outside(tmp_path, kubectl_cache):
    """The property can fail: a course whose settings share the sibling folder reads it, and the
    audit hook reports exactly that when the folder is not allowed."""
    from audit import Watch

    (tmp_path / "outside.txt").write_text("x")
    with Watch([tmp_path / "repo"]) as watch:
        (tmp_path / "outside.txt").read_text()
    assert watch.seen and watch.seen[0][0] == "open"


def test_generated_courses_hold_every_property(tmp_path_factory, kubectl_cache, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(kubectl_cache))
    root = tmp_path_factory.mktemp("fuzz")

    @given(course())
    def property_holds(spec) -> None:
        problems = check_course(spec, root / str(next(_EXAMPLES)), Path(kubectl_cache))
        assert not problems, "\n".join(problems)

    property_holds()
