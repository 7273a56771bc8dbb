import io
import json

import pytest

from builder import checks
from builder.diagnostics import (
    CourseError,
    Diagnostic,
    Location,
    emit,
    error,
    github_annotation,
    note,
    strict,
    summary,
    warning,
)


def test_text_lines_label_warnings_and_notes_but_not_errors():
    assert str(error("slides/a.md", 3, "broken")) == "slides/a.md:3: broken"
    assert str(warning("slides/a.md", 4, "odd")) == "slides/a.md:4: warning: odd"
    assert str(note("slides/a.yml", None, "skipped")) == "slides/a.yml: note: skipped"


def test_strict_turns_warnings_into_errors_and_leaves_notes():
    found = strict([warning("a.md", 1, "w"), note("a.md", 2, "n"), error("a.md", 3, "e")])
    assert [d.severity for d in found] == ["error", "note", "error"]
    assert summary(found) == "2 errors, 0 warnings, 1 note"


def test_json_output_carries_every_field():
    out = io.StringIO()
    d = error("k8s/a.yaml", 7, "bad", related=(Location("slides/a.md", 9, "applied here"),))
    emit([d], out, fmt="json", annotate=False)
    rows = json.loads(out.getvalue())
    assert rows == [{"path": "k8s/a.yaml", "line": 7, "severity": "error", "message": "bad",
                     "related": [{"path": "slides/a.md", "line": 9, "message": "applied here"}],
                     "check": ""}]


def test_github_annotations_escape_what_the_runner_would_misread():
    line = github_annotation(warning("slides/a,b.md", 2, "50% of it\nbroken"))
    assert line == "::warning file=slides/a%2Cb.md,line=2::50%25 of it%0Abroken"


def test_errors_print_as_annotations_under_github_actions(monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    out = io.StringIO()
    emit([error("a.md", 1, "x"), note("a.md", 2, "y")], out)
    assert out.getvalue().splitlines() == ["a.md:1: x", "a.md:2: note: y", "::error file=a.md,line=1::x"]


def test_course_error_survives_pickling_with_its_place():
    import pickle

    exc = pickle.loads(pickle.dumps(CourseError("slides/a.md", 5, "oops")))
    assert str(exc) == "slides/a.md:5: oops"
    assert exc.diagnostic == Diagnostic("slides/a.md", 5, "error", "oops")


def test_a_registered_check_runs_and_tags_its_findings(monkeypatch):
    monkeypatch.setattr(checks, "_REGISTRY", {tier: {} for tier in checks.TIERS})  # only this one

    @checks.check("slide", name="test-empty-title")
    def _empty(slide, ctx):
        if not slide:
            yield warning("a.md", 1, "empty")

    found = list(checks.run("slide", "", None))
    assert [(d.check, d.message) for d in found] == [("test-empty-title", "empty")]
    assert "test-empty-title" in [c.name for c in checks.registered("slide")]


def test_unknown_tier_is_refused():
    with pytest.raises(ValueError):
        checks.check("paragraph")
