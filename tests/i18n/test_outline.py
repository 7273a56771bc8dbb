"""The syllabus from :EN:/:FR: tags, and the outline checks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from builder.build import build


def test_outline_in_deck_order_each_chapter_once(course):
    course.write("slides/intro.md", "# Intro\n\n???\n\n:EN:- Welcome\n:FR:- Bienvenue\n")
    course.write("slides/a.md", "# Alpha\n\n???\n\n:EN:Networking\n:EN:- Pods talk\n"
                                ":FR:Le réseau\n:FR:- Les pods se parlent\n")
    course.write("slides/b.md", "# Beta\n\n???\n\n:EN:- Services\n:FR:- Les services\n")
    course.write("slides/deck.yml", "title: My deck\ncontent:\n- intro.md\n- - a.md\n  - b.md\n"
                                    "- - b.md\n  - a.md\n")
    build(course.root, jobs=1)
    en = (course.root / "dist/en/deck-outline.md").read_text()
    assert en == ("# My deck\n\n## My deck\n\n- Welcome\n\n## Networking\n\n- Pods talk\n- Services\n")
    fr = (course.root / "dist/fr/deck-outline.html").read_text()
    assert '<html lang="fr"' in fr and "<h2>Le réseau</h2>" in fr
    assert "<li>Les pods se parlent</li>" in fr and fr.count("Les services") == 1


def test_items_without_a_heading_sit_under_their_part(course):
    course.write("slides/a.md", "# Alpha title\n\n???\n\n:EN:- Only an item\n:FR:- Seulement\n")
    course.write("slides/deck.yml", "content:\n- - a.md\n")
    build(course.root, jobs=1)
    assert "## Alpha title\n\n- Only an item" in (course.root / "dist/en/deck-outline.md").read_text()


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_status_reports_outline_shape_differences(course):
    course.write("slides/a.md", "# Alpha\n\n???\n\n:EN:- One\n:EN:- Two\n:FR:- Un\n")
    course.write("slides/b.md", "# Beta\n\n???\n\n:EN:- Alone\n")
    course.write("slides/deck.yml", "content:\n- - a.md\n  - b.md\n")
    run = [sys.executable, "-m", "builder", "i18n", "status", "--repo", str(course.root)]
    result = subprocess.run(run, capture_output=True, text=True, cwd=course.root)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert ("slides/a.md:7: warning: :EN: outline has 0 modules and 2 items, :FR: has 0 modules "
            "and 1 item") in lines
    assert "slides/b.md:5: warning: no :FR: outline (the :EN: one has 0 modules and 1 item)" in lines
    assert any(line.split() == ["slides/a.md", "0/1", "0.0%"] for line in lines)
    strict = subprocess.run(run + ["--strict"], capture_output=True, text=True, cwd=course.root)
    assert strict.returncode == 1
    build_strict = subprocess.run([sys.executable, "-m", "builder", "build", "--strict", "--repo",
                                   str(course.root)], capture_output=True, text=True, cwd=course.root)
    assert build_strict.returncode == 1 and "slides/b.md:5: no :FR: outline" in build_strict.stderr


def test_status_as_json_for_editors_and_ci(course):
    course.write("slides/b.md", "# Beta\n\n???\n\n:EN:- Alone\n")
    course.write("slides/deck.yml", "content:\n- - b.md\n")
    run = [sys.executable, "-m", "builder", "i18n", "status", "--format", "json", "--strict"]
    result = subprocess.run(run, capture_output=True, text=True, cwd=course.root)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert [(d["path"], d["line"], d["severity"], d["check"]) for d in data["diagnostics"]] == [
        ("slides/b.md", 5, "error", "outline-languages")]
    assert {"source": "slides/b.md", "messages": 1, "translated": 0, "fuzzy": 0} in data["coverage"]
