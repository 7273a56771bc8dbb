"""Incremental builds: what the build cache spares, and that a cache is never trusted blindly.

Each test builds a small real course twice (or more) and looks at what a user would notice:
which chapters were parsed again (counted where the course layer parses them), which output
files were written again (their inode and mtime), and the decks' bytes.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builder.build import build
from builder.cachefiles import FORMAT, MAGIC, write_frame
from builder.course.cache import ChapterCache

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Hello from {name}"
msgstr "{greeting} de {name}"
"""


def write(repo: Path, rel: str, text: str) -> Path:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Two decks sharing a chapter: one.yml = a.md + shared.md, two.yml = b.md + shared.md."""
    repo = tmp_path / "course"
    write(repo, "slides/one.yml", "title: One\ncontent:\n- - a.md\n  - shared.md\n")
    write(repo, "slides/two.yml", "title: Two\ncontent:\n- - b.md\n  - shared.md\n")
    for name in ("a", "b", "shared"):
        write(repo, f"slides/{name}.md", f"# Chapter {name}\n\nHello from {name}\n\n---\n\n"
                                         f"## More\n\n```bash\necho {name}\n```\n\n???\n\nNotes {name}\n")
        write(repo, f"slides/locale/fr/{name}.po", PO.format(name=name, greeting="Bonjour"))
    return repo


def files(out: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(out.rglob("*")) if p.is_file()}


def contents(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


def folder(repo: Path) -> Path:
    return ChapterCache(repo, "").folder


def index(repo: Path) -> Path:
    """The index the next build reads (the newest)."""
    found = sorted(folder(repo).glob("index.*"))
    assert len(found) == 1  # older ones are removed once a new one is written
    return found[0]


def test_nothing_changed_nothing_parsed_nothing_written(repo: Path, parsed: list[str]):
    first = build(repo, jobs=1)
    assert sorted(parsed) == ["slides/a.md", "slides/b.md", "slides/shared.md"]
    before = files(repo / "dist")
    parsed.clear()
    again = build(repo, jobs=1)
    assert parsed == []
    assert (again.compiled, again.assembled) == (0, 0)
    assert files(repo / "dist") == before  # not one file written again
    assert [str(d) for d in again.diagnostics] == [str(d) for d in first.diagnostics]
    assert [(o.path, o.slides) for o in again.outputs] == [(o.path, o.slides) for o in first.outputs]


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_a_rebuild_started_from_another_folder_is_still_a_no_op(repo: Path, tmp_path: Path):
    """The key does not depend on where coursekit is started: `python -m builder` from a folder
    holding a `*.egg-info` (a checkout) once keyed every chapter afresh (sys.path's head)."""
    here = tmp_path / "elsewhere"
    (here / "other-1.0.dist-info").mkdir(parents=True)
    command = [sys.executable, "-m", "builder", "build", "-q", "--jobs", "1", "--repo", str(repo)]
    subprocess.run(command, check=True, cwd=tmp_path)
    before = files(repo / "dist")
    parsed_again = subprocess.run(
        [sys.executable, "-c", "import sys; from builder.build import build; "
         f"r = build(__import__('pathlib').Path({str(repo)!r}), jobs=1); print(r.compiled)"],
        check=True, cwd=here, capture_output=True, text=True).stdout.strip()
    assert parsed_again == "0"
    assert files(repo / "dist") == before


def test_one_chapter_changed_only_it_is_parsed_and_only_its_decks_written(repo: Path,
                                                                         parsed: list[str]):
    build(repo, jobs=1)
    before = files(repo / "dist")
    parsed.clear()
    chapter = repo / "slides" / "a.md"
    chapter.write_text(chapter.read_text().replace("Hello from a", "Hello from a, edited"))
    report = build(repo, jobs=1)
    assert parsed == ["slides/a.md"]
    assert report.compiled == 1
    after = files(repo / "dist")
    changed = {name for name in after if after[name] != before[name]}
    # the syllabi and the index page (titles, slide counts) say the same: not written
    assert changed == {"en/one.html", "fr/one.html"}
    assert "Hello from a, edited" in (repo / "dist" / "en" / "one.html").read_text()
    assert len(list((folder(repo) / "chapters").iterdir())) == 3  # the old entry is gone


def test_an_included_file_changed_its_chapter_is_parsed_again(repo: Path, parsed: list[str]):
    write(repo, "slides/part.md", "Included text\n")
    write(repo, "slides/a.md", "# Chapter a\n\n@@INCLUDE[slides/part.md]\n")
    build(repo, jobs=1)
    parsed.clear()
    write(repo, "slides/part.md", "Included text, edited\n")
    build(repo, jobs=1)
    assert parsed == ["slides/a.md"]
    assert "Included text, edited" in (repo / "dist" / "en" / "one.html").read_text()


def test_a_catalog_changed_its_chapter_is_rendered_again(repo: Path, parsed: list[str]):
    build(repo, jobs=1)
    assert "Bonjour de b" in (repo / "dist" / "fr" / "two.html").read_text()
    parsed.clear()
    write(repo, "slides/locale/fr/b.po", PO.format(name="b", greeting="Salut"))
    build(repo, jobs=1)
    assert parsed == ["slides/b.md"]
    assert "Salut de b" in (repo / "dist" / "fr" / "two.html").read_text()


def test_a_picture_that_appears_is_no_longer_reported_missing(repo: Path, parsed: list[str]):
    write(repo, "slides/a.md", "# Chapter a\n\n![x](images/x.png)\n")
    first = build(repo, jobs=1)
    assert any("image not found: slides/images/x.png" in str(d) for d in first.diagnostics)
    parsed.clear()
    (repo / "slides" / "images").mkdir()
    (repo / "slides" / "images" / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    second = build(repo, jobs=1)
    assert parsed == ["slides/a.md"]
    assert not any("image not found" in str(d) for d in second.diagnostics)
    assert (repo / "dist" / "fr" / "images" / "x.png").is_file()


def test_settings_changed_every_chapter_is_parsed_again(repo: Path, parsed: list[str]):
    build(repo, jobs=1)
    parsed.clear()
    write(repo, "coursekit.toml", 'lab-macros = ["lab", "exercise", "practice"]\n')
    build(repo, jobs=1)
    assert sorted(parsed) == ["slides/a.md", "slides/b.md", "slides/shared.md"]


def test_a_deleted_output_is_written_again_from_the_cache(repo: Path, parsed: list[str]):
    build(repo, jobs=1)
    expected = contents(repo / "dist")
    parsed.clear()
    (repo / "dist" / "fr" / "two.html").unlink()
    (repo / "dist" / "en" / "one.html").write_text("edited by hand")
    report = build(repo, jobs=1)
    assert parsed == []
    assert report.assembled == 2
    assert contents(repo / "dist") == expected


def test_cached_decks_are_the_bytes_a_build_from_scratch_writes(repo_root: Path, tmp_path: Path):
    """The real course: from scratch, then with a cold cache, then with every chapter cached
    and every deck assembled again (the output folder emptied)."""
    scratch, cached = tmp_path / "scratch", tmp_path / "cached"
    build(repo_root, scratch, cache=False)
    expected = contents(scratch)
    build(repo_root, cached)
    assert contents(cached) == expected
    shutil.rmtree(cached)
    again = build(repo_root, cached)
    assert again.compiled == 0 and again.assembled == len(again.outputs)
    assert contents(cached) == expected


def test_no_cache_reads_and_writes_no_cache(repo: Path, parsed: list[str]):
    build(repo, jobs=1)
    before = {p: p.stat().st_mtime_ns for p in folder(repo).rglob("*")}
    parsed.clear()
    report = build(repo, jobs=1, cache=False)
    assert sorted(parsed) == ["slides/a.md", "slides/b.md", "slides/shared.md"]
    assert report.compiled == 3
    assert {p: p.stat().st_mtime_ns for p in folder(repo).rglob("*")} == before


def test_the_cache_lives_outside_the_output_and_the_course(repo: Path, tmp_path: Path, monkeypatch):
    monkeypatch.delenv("COURSEKIT_BUILD_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    before = {p for p in repo.rglob("*")}
    build(repo, jobs=1)
    written = {p for p in repo.rglob("*")} - before - {repo / "dist"}
    assert all(p.is_relative_to(repo / "dist") for p in written)
    assert {p.relative_to(repo / "dist").parts[0] for p in written} == {"en", "fr", "index.html"}
    assert not any(p.name.startswith(".") for p in written)
    assert index(repo).is_file()
    assert folder(repo).is_relative_to(tmp_path / "xdg" / "coursekit" / "builds")


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_the_cli_has_no_cache(repo: Path):
    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "builder", "build", "--repo", str(repo),
                               *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()[-1]

    assert "from the cache" not in run()
    assert "(3 chapters, 3 from the cache," in run()
    assert "from the cache" not in run("--no-cache")


# --------------------------------------------------------------------------- never trusted


def damage_index(repo: Path) -> None:
    path = index(repo)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def damage_entries(repo: Path) -> None:
    for entry in (folder(repo) / "chapters").iterdir():
        entry.write_bytes(os.urandom(200))


def older_format(repo: Path) -> None:
    for path in [index(repo), *(folder(repo) / "chapters").iterdir()]:
        data = path.read_bytes()
        path.write_bytes(MAGIC + (FORMAT + 1).to_bytes(4, "big") + data[len(MAGIC) + 4:])


class Boom:
    """A pickle that would run a command when loaded."""

    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def crafted(repo: Path) -> None:
    """Entries whose frame is valid (digest and all) but whose pickle calls os.system."""
    for path in [index(repo), *(folder(repo) / "chapters").iterdir()]:
        write_frame(path, pickle.dumps(Boom()))


@pytest.mark.parametrize("damage", [damage_index, damage_entries, older_format, crafted])
def test_a_damaged_cache_is_ignored_and_rebuilt(damage, repo: Path, parsed: list[str],
                                                monkeypatch, tmp_path: Path):
    monkeypatch.chdir(tmp_path)
    build(repo, jobs=1)
    expected = contents(repo / "dist")
    shutil.rmtree(repo / "dist")  # every deck is assembled again: every entry is read
    damage(repo)
    parsed.clear()
    build(repo, jobs=1)
    assert sorted(parsed) == ["slides/a.md", "slides/b.md", "slides/shared.md"]
    assert contents(repo / "dist") == expected
    assert not (tmp_path / "PWNED").exists()
    parsed.clear()
    shutil.rmtree(repo / "dist")
    build(repo, jobs=1)
    assert parsed == []  # and the cache is sound again
    assert contents(repo / "dist") == expected


# --------------------------------------------------------------------------- a new process


def a_new_process() -> None:
    """What a new `coursekit build` process starts without: highlights and compiled templates
    held in memory by the builds before it in this test process."""
    from builder.render import code, deck

    code._highlight.cache_clear()
    code._KNOWN.clear()
    deck.reload()


def test_an_edited_chapter_highlights_only_its_new_code(repo: Path, tmp_path: Path, monkeypatch):
    from builder.render import code

    build(repo, jobs=1)
    a_new_process()
    highlighted: list[str] = []
    real = code._highlight
    monkeypatch.setattr(code, "_highlight", lambda c, lang: highlighted.append(c) or real(c, lang))
    chapter = repo / "slides" / "a.md"
    chapter.write_text(chapter.read_text() + "\n---\n\n```bash\necho new\n```\n\n"
                       "```yaml\necho a\n```\n")
    build(repo, jobs=1)
    # `echo a` in bash was highlighted by the first build; in YAML it is new
    assert sorted(highlighted) == ["echo a", "echo new"]
    build(repo, tmp_path / "scratch", jobs=1, cache=False)
    assert contents(repo / "dist") == contents(tmp_path / "scratch")


def test_compiled_templates_are_kept_and_a_damaged_one_is_compiled_again(repo: Path,
                                                                         tmp_path: Path,
                                                                         monkeypatch):
    from builder.cachefiles import cache_root, read_frame

    monkeypatch.setenv("COURSEKIT_BUILD_CACHE", str(tmp_path / "cache"))  # this build's alone
    a_new_process()
    build(repo, jobs=1)
    expected = contents(repo / "dist")
    kept = sorted(cache_root().glob("templates-*/*.bin"))
    assert kept  # the deck's templates, compiled
    for path in kept:
        write_frame(path, b"not what Jinja wrote")  # a sound frame around foreign bytes
    a_new_process()
    build(repo, tmp_path / "again", jobs=1, cache=False)
    assert contents(tmp_path / "again") == expected
    assert all(read_frame(p) != b"not what Jinja wrote" for p in kept)  # compiled and kept again


# --------------------------------------------------------------------------- stats


@pytest.fixture
def settled(monkeypatch) -> None:
    """Stats trusted at once: the cache trusts a file's stat only once the file had been still
    for RACY_SECONDS when it was hashed, and a test's files are younger."""
    from builder import cachefiles

    monkeypatch.setattr(cachefiles, "RACY_SECONDS", 0)


def test_a_no_op_rebuild_reads_no_chapter_whose_stat_is_unchanged(repo: Path, monkeypatch,
                                                                   settled):
    from builder.course import cache

    build(repo, jobs=1)
    read: list[Path] = []
    real = cache.file_digest
    monkeypatch.setattr(cache, "file_digest", lambda path: read.append(path) or real(path))
    report = build(repo, jobs=1)
    assert (report.compiled, report.assembled, read) == (0, 0, [])


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(repo: Path, parsed: list[str],
                                                                     settled):
    build(repo, jobs=1)
    chapter = repo / "slides" / "a.md"
    before = chapter.stat()
    chapter.write_text(chapter.read_text().replace("Hello from a", "Howdy from a"))
    os.utime(chapter, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or rsync -t do
    assert chapter.stat().st_size == before.st_size
    parsed.clear()
    build(repo, jobs=1)
    assert parsed == ["slides/a.md"]
    assert "Howdy from a" in (repo / "dist" / "en" / "one.html").read_text()


def test_an_edit_to_prose_loads_no_pygments(repo: Path):
    """Code blocks highlighted before and the stylesheet kept: a rebuild after an edit that
    adds no code does without Pygments (loading it is a large part of such a rebuild)."""
    script = ("import sys; from pathlib import Path; from builder.build import build; "
              f"build(Path({str(repo)!r}), jobs=1); "
              "print(sorted(m for m in sys.modules if m.startswith('pygments')))")

    def run() -> str:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              check=True, env=os.environ)
        return done.stdout.strip()

    assert run() != "[]"  # the first build highlights
    chapter = repo / "slides" / "a.md"
    chapter.write_text(chapter.read_text() + "\n---\n\n## Prose\n\n- one more point\n")
    assert run() == "[]"
    chapter.write_text(chapter.read_text() + "\n---\n\n```bash\necho new\n```\n")
    assert run() != "[]"  # new code: highlighted


def test_a_damaged_stylesheet_memo_is_made_again(repo: Path, tmp_path: Path):
    from builder.cachefiles import cache_root
    from builder.render import code

    build(repo, jobs=1)
    expected = contents(repo / "dist")
    memos = list(cache_root().glob("pygments-*.css"))
    assert memos
    for memo in memos:
        write_frame(memo, b"\xff\xfe not css")  # a sound frame, not text
    code.pygments_css.cache_clear()
    build(repo, tmp_path / "again", jobs=1, cache=False)
    assert contents(tmp_path / "again") == expected
    for memo in memos:
        memo.write_bytes(memo.read_bytes()[:-3])  # truncated
    code.pygments_css.cache_clear()
    build(repo, tmp_path / "third", jobs=1, cache=False)
    assert contents(tmp_path / "third") == expected


def test_an_edit_rebuilt_on_two_cores_writes_what_one_core_does(repo: Path, tmp_path: Path):
    """Two decks' languages assembled side by side (one in a forked child): the same bytes,
    and no child process left."""
    from tests.test_forked import children_of_this_process

    others = children_of_this_process()  # the test session's own (a browser, a server...)
    build(repo, jobs=2)
    chapter = repo / "slides" / "a.md"
    chapter.write_text(chapter.read_text() + "\n---\n\n## Added\n\n- a point ![](images/gone.png)\n")
    report = build(repo, jobs=2)  # a.md compiled in a child while shared.md is read
    assert report.compiled == 1
    assert report.assembled == 2  # deck one, in English and French: one of them in a child
    alone = build(repo, tmp_path / "alone", jobs=1, cache=False)
    assert contents(repo / "dist") == contents(tmp_path / "alone")
    assert report.diagnostics == alone.diagnostics
    assert any("gone.png" in d.message for d in report.diagnostics)
    assert children_of_this_process() <= others  # reaped by the build itself
