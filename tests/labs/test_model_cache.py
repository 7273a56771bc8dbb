"""`labs list` and `labs check` take unchanged chapters whole from the model cache instead of
parsing them again, and never trust it past a change: an edited chapter, an include that
changed or now leads out of the repository, a chapter named outside the repository.

Real CLI in-process, real files; parsing is counted where the course layer parses.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builder.cli import main

CHAPTER = """\
# {title}

.lab[

- Look:
  ```bash
  {command}
  ```

]
"""


@pytest.fixture
def repo(course) -> Path:
    course.write("slides/d.yml", "content:\n- a.md\n- b.md\n")
    course.write("slides/a.md", CHAPTER.format(title="A", command="echo a"))
    course.write("slides/b.md",
                 CHAPTER.format(title="B", command="echo b") + "\n---\n\n@@INCLUDE[slides/part.md]\n")
    course.write("slides/part.md", CHAPTER.format(title="Part", command="echo part"))
    return course.root


def listed(repo: Path, capsys, *args: str) -> tuple[int, list[tuple[str, int, str]]]:
    code = main(["labs", "list", "--repo", str(repo), "--format", "json", *args])
    out = capsys.readouterr().out
    return code, [(s["file"], s["line"], s["data"]) for s in json.loads(out)]


def test_unchanged_chapters_are_not_parsed_again(repo, capsys, parsed):
    first = listed(repo, capsys)
    assert sorted(parsed) == ["slides/a.md", "slides/b.md"]
    parsed.clear()
    assert listed(repo, capsys) == first
    assert parsed == []
    assert listed(repo, capsys, "--no-cache") == first
    assert sorted(parsed) == ["slides/a.md", "slides/b.md"]


def test_an_edited_chapter_or_include_is_parsed_again(repo, course, capsys, parsed):
    listed(repo, capsys)
    parsed.clear()
    course.write("slides/a.md", CHAPTER.format(title="A", command="echo edited"))
    code, steps = listed(repo, capsys)
    assert parsed == ["slides/a.md"]
    assert ("slides/a.md", 7, "echo edited") in steps
    parsed.clear()
    course.write("slides/part.md", CHAPTER.format(title="Part", command="echo part edited"))
    code, steps = listed(repo, capsys)
    assert parsed == ["slides/b.md"]
    assert any(data == "echo part edited" for _, _, data in steps)


def test_an_include_that_now_leads_out_is_refused_not_taken_from_the_cache(repo, tmp_path_factory,
                                                                          capsys):
    """Even with the very same bytes outside (the cached key would match): the include is
    judged where it leads now, and the file outside is not read to find out."""
    listed(repo, capsys)
    part = repo / "slides" / "part.md"
    outside = tmp_path_factory.mktemp("outside") / "outside.md"
    outside.write_bytes(part.read_bytes())
    part.unlink()
    part.symlink_to(outside)
    code = main(["labs", "list", "--repo", str(repo)])
    out = capsys.readouterr()
    assert code == 1
    assert "slides/b.md:14: @@INCLUDE[slides/part.md]: outside the repository" in out.err, out.err
    secret = tmp_path_factory.mktemp("secret") / "secret.md"
    secret.write_text(CHAPTER.format(title="Secret", command="echo TOP-SECRET"))
    outside.unlink()
    outside.symlink_to(secret)
    code = main(["labs", "list", "--repo", str(repo)])
    out = capsys.readouterr()
    assert code == 1 and "TOP-SECRET" not in out.out + out.err


def test_a_chapter_named_outside_the_repository_is_read_each_time(repo, tmp_path_factory, capsys):
    outside = tmp_path_factory.mktemp("elsewhere") / "elsewhere.md"
    outside.write_text(CHAPTER.format(title="Elsewhere", command="echo one"))
    assert listed(repo, capsys, str(outside))[1][-1][2] == "echo one"
    outside.write_text(CHAPTER.format(title="Elsewhere", command="echo two"))
    assert listed(repo, capsys, str(outside))[1][-1][2] == "echo two"
