"""Real courses in the wild (issue 10): each rule on a tiny course of its own, through the CLI.

An error stops only what it breaks; decks are found as a course's own build script finds them;
older dialects build unchanged; findings come out as text, JSON or GitHub annotations.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def cli(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=root, text=True,
                          capture_output=True, timeout=300,
                          env={**os.environ, "GITHUB_ACTIONS": "", **(env or {})})


@pytest.fixture
def two_decks(course):
    """Deck `good` is fine; deck `bad` names a chapter that was renamed away."""
    course.write("slides/a.md", "# Alpha\n\n- alpha\n")
    course.write("slides/b.md", "# Beta\n\n- beta\n")
    course.write("slides/good.yml", "title: Good\ncontent:\n- - a.md\n")
    course.write("slides/bad.yml", "title: Bad\ncontent:\n- - b.md\n  - renamed.md\n")
    old = course.write("dist/en/bad.html", "previous good build")
    return course, old


def test_a_deck_with_an_error_is_not_written_and_the_others_are(two_decks):
    course, old = two_decks
    result = cli(course.root, "build", "--lang", "en")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "slides/bad.yml:4: chapter file not found: renamed.md (looked for slides/renamed.md)"]
    assert "Alpha" in (course.root / "dist/en/good.html").read_text()
    assert old.read_text() == "previous good build"
    assert result.stdout.splitlines()[-1].startswith("built 1 of 2 decks, 1 failed")


def test_every_error_of_a_run_is_reported(two_decks):
    course, _ = two_decks
    course.write("slides/a.md", "# Alpha\n\n@@INCLUDE[gone.yaml]\n")
    result = cli(course.root, "build", "--lang", "en")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "slides/a.md:3: @@INCLUDE file not found: gone.yaml",
        "slides/bad.yml:4: chapter file not found: renamed.md (looked for slides/renamed.md)"]
    assert "built 0 of 2 decks, 2 failed" in result.stdout


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_strict_makes_a_warning_an_error_for_its_deck_only(course):
    course.write("slides/a.md", "# Alpha\n\n![x](images/missing.png)\n")
    course.write("slides/b.md", "# Beta\n")
    course.write("slides/one.yml", "content:\n- - a.md\n")
    course.write("slides/two.yml", "content:\n- - b.md\n")
    relaxed = cli(course.root, "build", "--lang", "en")
    assert relaxed.returncode == 0
    assert relaxed.stderr == "slides/a.md:3: warning: image not found: slides/images/missing.png\n"
    (course.root / "dist/en/one.html").write_text("previous")
    strict = cli(course.root, "build", "--lang", "en", "--strict")
    assert strict.returncode == 1
    assert strict.stderr == "slides/a.md:3: image not found: slides/images/missing.png\n"
    assert (course.root / "dist/en/one.html").read_text() == "previous"
    assert "built 1 of 2 decks, 1 failed" in strict.stdout


def test_yaml_files_that_are_no_decks_are_skipped_with_a_note(course):
    course.write("slides/a.md", "# Alpha\n")
    course.write("slides/deck.yml", "content:\n- a.md\n")
    course.write("slides/events.yml", "- date: 2019-06-01\n  city: Paris\n")
    course.write("slides/docker-compose.yaml", "services:\n  www:\n    image: nginx\n")
    result = cli(course.root, "build", "--lang", "en")
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "slides/docker-compose.yaml:1: note: skipped: not a deck manifest (manifest has no "
        "`content` list)",
        "slides/events.yml:1: note: skipped: not a deck manifest (a deck manifest must be a "
        "mapping of keys)"]
    assert sorted(p.name for p in (course.root / "dist/en").glob("*.html")) == [
        "deck-outline.html", "deck.html"]


def test_naming_a_yaml_file_that_is_no_deck_is_an_error(course):
    course.write("slides/events.yml", "- date: 2019-06-01\n")
    result = cli(course.root, "build", "slides/events.yml")
    assert result.returncode == 1
    assert result.stderr == "slides/events.yml:1: a deck manifest must be a mapping of keys\n"


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_an_older_course_builds_unchanged(course):
    """`chapters:` for `content:`, `.exercise[` for `.lab[`: a 2019 course as it was written."""
    course.write("slides/k8s/run.md", "# Running\n\n.exercise[\n\n- Run:\n  ```bash\n  echo hi\n"
                                      "  ```\n\n]\n")
    course.write("slides/old.yml", "title: Old\nchapters:\n- - k8s/run.md\n")
    result = cli(course.root, "build", "--lang", "en")
    assert result.returncode == 0, result.stderr
    html = (course.root / "dist/en/old.html").read_text()
    assert '<div class="exercise lab">' in html
    listed = cli(course.root, "labs", "list")
    assert listed.stdout.splitlines() == ["slides/k8s/run.md:7: bash: echo hi",
                                          "1 steps in 1 labs of 1 chapters"]
    replayed = cli(course.root, "labs", "run", "--cluster", "none", "--skip-preflight")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr


def test_lab_macros_are_a_course_setting(course):
    course.write("coursekit.toml", 'lab-macros = ["tp"]\n')
    course.write("slides/ch.md", ".tp[\n```bash\necho tp\n```\n]\n\n.exercise[\n```bash\necho ex\n```\n]\n")
    course.write("slides/deck.yml", "content:\n- ch.md\n")
    listed = cli(course.root, "labs", "list")
    assert listed.stdout.splitlines() == ["slides/ch.md:3: bash: echo tp",
                                          "1 steps in 1 labs of 1 chapters"]


def test_labs_list_reports_an_unreadable_chapter_and_lists_the_others(course):
    course.write("slides/good.md", ".lab[\n```bash\necho fine\n```\n]\n")
    (course.root / "slides/latin1.md").write_bytes(b"# Caf\xe9\n")
    course.write("slides/deck.yml", "content:\n- latin1.md\n- good.md\n- missing.md\n")
    listed = cli(course.root, "labs", "list")
    assert listed.returncode == 1
    assert listed.stderr.splitlines() == [
        "slides/deck.yml:4: chapter file not found: missing.md (looked for slides/missing.md)",
        "slides/latin1.md:1: file is not UTF-8 (byte 0xe9 at offset 5)"]
    assert listed.stdout.splitlines() == ["slides/good.md:3: bash: echo fine",
                                          "1 steps in 1 labs of 1 chapters"]


def test_build_findings_as_json(two_decks):
    course, _ = two_decks
    course.write("slides/a.md", "# Alpha\n\n![x](https://example.org/x.png)\n")
    result = cli(course.root, "build", "--lang", "en", "--format", "json")
    assert result.returncode == 1
    found = json.loads(result.stdout)
    assert [(d["path"], d["line"], d["severity"], d["check"]) for d in found] == [
        ("slides/a.md", 3, "warning", "remote-picture"),
        ("slides/bad.yml", 4, "error", "")]
    assert "built 1 of 2 decks, 1 failed" in result.stderr


def test_errors_are_annotations_under_github_actions(two_decks):
    course, _ = two_decks
    result = cli(course.root, "build", "--lang", "en", env={"GITHUB_ACTIONS": "true"})
    assert "::error file=slides/bad.yml,line=4::chapter file not found: renamed.md" in result.stderr


@pytest.mark.kubectl
def test_labs_check_reports_an_unreadable_chapter_and_checks_the_others(course, tmp_path_factory):
    course.write("slides/good.md", ".lab[\n```bash\nkubeclt get pods\n```\n]\n")
    (course.root / "slides/latin1.md").write_bytes(b"# Caf\xe9\n")
    course.write("slides/deck.yml", "content:\n- latin1.md\n- good.md\n")
    cache = tmp_path_factory.mktemp("cache")
    result = cli(course.root, "labs", "check", env={"XDG_CACHE_HOME": str(cache)})
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "slides/latin1.md:1: file is not UTF-8 (byte 0xe9 at offset 5)" in lines
    assert any(line.startswith("slides/good.md:3:") and "kubeclt" in line for line in lines)


def test_a_slides_folder_whose_yaml_files_are_no_decks_is_an_error_at_one_of_them(course):
    course.write("slides/events.yml", "- date: 2019-06-01\n")
    result = cli(course.root, "build", "--lang", "en")
    assert result.returncode == 1
    assert ("slides/events.yml:1: no deck manifests found: the 1 YAML file(s) of slides/ are no "
            "decks (a deck is a mapping with a `content` list)") in result.stderr.splitlines()
