"""`labs check` on YAML that a careless or hostile course contains (issue 13): control characters
and aliases that contain themselves, on slides, in here-documents and in applied manifests, are
errors at their own line, never a traceback or a finding without a line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builder.cli import main


@pytest.fixture
def repo(tmp_path: Path, course, monkeypatch, kubectl_cache) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(kubectl_cache))
    course.root = tmp_path / "course"
    course.write("slides/d.yml", "title: T\ncontent:\n- ch.md\n")
    monkeypatch.chdir(course.root)
    return course.root


def check(capsys) -> list[dict]:
    code = main(["labs", "check", "--format", "json"])
    assert code in (0, 1)
    return json.loads(capsys.readouterr().out)


def test_a_control_character_in_an_applied_manifest_is_at_its_line(repo, course, capsys):
    course.write("k8s/c.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \x01\n")
    course.write("slides/ch.md",
                 ".lab[\n\n```bash\nkubectl apply -f ~/container.training/k8s/c.yaml\n```\n\n]\n")
    found = [(d["path"], d["line"]) for d in check(capsys) if d["severity"] == "error"]
    assert found == [("k8s/c.yaml", 6)]


def test_a_control_character_on_a_slide_and_in_a_here_document(repo, course, capsys):
    course.write("slides/ch.md", "# YAML\n\n```yaml\napiVersion: v1\nkind: Pod\nmetadata:\n"
                 "  name: \x01\n```\n\n.lab[\n\n```bash\nkubectl apply -f - <<EOF\napiVersion: v1\n"
                 "kind: \x01\nEOF\n```\n\n]\n")
    found = check(capsys)
    assert all(isinstance(d["line"], int) and d["line"] >= 1 for d in found)
    assert ("slides/ch.md", 15) in [(d["path"], d["line"]) for d in found if d["severity"] == "error"]


def test_aliases_that_contain_themselves(repo, course, capsys):
    course.write("k8s/a.yaml", "a: &a [*a]\n")
    course.write("slides/ch.md", "```yaml\nspec: &s\n  x: *s\n```\n\n.lab[\n\n```bash\n"
                 "kubectl apply -f ~/container.training/k8s/a.yaml\n"
                 "kubectl apply -f - <<EOF\n- &b [*b]\nEOF\n```\n\n]\n")
    found = check(capsys)
    assert all(isinstance(d["line"], int) and d["line"] >= 1 for d in found)
    assert ("k8s/a.yaml", 1) in [(d["path"], d["line"]) for d in found if d["severity"] == "error"]
