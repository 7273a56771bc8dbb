"""`coursekit build`: the course (decks, chapters compiled once) -> one HTML file per deck and
language, with its syllabus and pictures.

Chapters are the expensive part and decks share them: the course layer compiles each distinct
chapter once, in parallel, rendering it in every language while its tokens are at hand. Decks
are then assembled (in parallel too) and written.

An error stops only what it breaks: a deck whose manifest or chapters have an error (with
`--strict`, a warning) is not written and its previous output stays; every other deck is
written. Files change only once everything to write is assembled, each by an atomic rename.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from builder.config import load_settings
from builder.course import (
    LANGUAGES,
    Course,
    check_languages,
    compile_chapters,
    copy_pictures,
    find_manifests,
    load_decks,
    no_cyclic_gc,
)
from builder.diagnostics import CourseError, Diagnostic, unique
from builder.files import write_temp
from builder.model import Deck
from builder.render import diagrams
from builder.render.html import RenderedChapter
from builder.render.index import Built, write_index
from builder.render.pages import deck_files, deck_title, has_diagrams, render_languages

__all__ = ["LANGUAGES", "BuildReport", "DeckOutput", "build", "check_languages", "find_manifests",
           "index_rows"]


@dataclass(slots=True)
class DeckOutput:
    deck: Deck
    lang: str
    path: Path
    slides: int
    seconds: float


@dataclass(slots=True)
class BuildReport:
    outputs: list[DeckOutput] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # every finding, --strict applied
    failed: dict[str, list[Diagnostic]] = field(default_factory=dict)  # deck -> why not written
    decks: int = 0  # decks asked for (manifests that gave no deck included)
    chapters: int = 0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase
    seconds: float = 0.0

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def built(self) -> int:
        """Decks written in every language asked for."""
        return self.decks - len(self.failed)

    def closing_line(self) -> str:
        failed = f", {len(self.failed)} failed" if self.failed else ""
        return (f"built {self.built} of {self.decks} deck{'s' * (self.decks != 1)}{failed} "
                f"({self.chapters} chapter{'s' * (self.chapters != 1)}, {self.seconds:.2f} s)")


# What forked assembly workers inherit from build(): nothing is pickled but the task.
_STATE: tuple | None = None


def _assemble_one(task: tuple[int, str]) -> tuple[list[tuple[Path, Path]], int, float] | Diagnostic:
    repo, decks, chapters, rendered, out, langs = _STATE  # type: ignore[misc]
    deck, lang = decks[task[0]], task[1]
    t0 = time.perf_counter()
    try:
        files = deck_files(repo, deck, chapters, rendered[lang], lang, langs)
    except CourseError as exc:  # the manifest's own catalog is broken: this language fails
        return exc.diagnostic
    temps = [(write_temp(out / lang / name, text), out / lang / name) for name, text in files]
    return temps, files[0][1].count('<section class="slide'), time.perf_counter() - t0


def build(repo: Path, out: Path | None = None, manifests: list[Path] | None = None,
          langs: tuple[str, ...] = LANGUAGES, jobs: int | None = None,
          strict: bool = False) -> BuildReport:
    """Build every deck that has no error (`strict`: no warning either) into OUT/<lang>/."""
    with no_cyclic_gc():
        return _build(repo, out, manifests, langs, jobs, strict)


def _build(repo: Path, out: Path | None, manifests: list[Path] | None,
           langs: tuple[str, ...], jobs: int | None, strict: bool) -> BuildReport:
    started = time.perf_counter()
    repo = repo.resolve()
    out = (out or repo / "dist").resolve()
    check_languages(langs)
    report = BuildReport()
    clock = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.phases[name] = report.phases.get(name, 0.0) + now - clock
        clock = now

    course = Course(repo, load_settings(repo), load_decks(repo, manifests or None))
    phase("manifests")
    course.compiled = compile_chapters(repo, course.entries, course.settings,
                                       partial(render_languages, langs=langs), jobs)
    phase("chapters")
    decks = course.decks.decks
    report.chapters = len(course.compiled)
    report.decks = len(decks) + sum(1 for p in course.decks.broken if p not in {d.path for d in decks})
    failed = course.failures(strict)
    found = course.diagnostics(strict)

    chapters = course.chapters
    rendered: dict[str, dict[tuple[str, int], RenderedChapter]] = {lang: {} for lang in langs}
    broken_langs: dict[tuple[str, int], dict[str, Diagnostic]] = {}
    for key, compiled in course.compiled.items():
        for lang, result in (compiled.result or {}).items():
            if isinstance(result, Diagnostic):
                broken_langs.setdefault(key, {})[lang] = result
                found.append(result)
            else:
                rendered[lang][key] = result

    tasks: list[tuple[int, str]] = []
    for n, deck in enumerate(decks):
        if deck.path in failed:
            continue
        for lang in langs:
            why = [broken_langs[e.key][lang] for e in deck.entries
                   if lang in broken_langs.get(e.key, {})]
            if why:
                failed.setdefault(deck.path, []).extend(why)
            else:
                tasks.append((n, lang))

    global _STATE
    _STATE = (repo, decks, chapters, rendered, out, langs)
    written: list[tuple[Path, Path]] = []
    try:
        workers = jobs or os.cpu_count() or 1
        if workers > 1 and len(tasks) > 2:
            ctx = multiprocessing.get_context("fork")  # workers inherit _STATE, nothing pickled
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                results = list(pool.map(_assemble_one, tasks))
        else:
            results = [_assemble_one(t) for t in tasks]
        done: dict[str, list[tuple[str, list[tuple[Path, Path]], int, float]]] = {}
        for (n, lang), result in zip(tasks, results, strict=True):
            if isinstance(result, Diagnostic):
                failed.setdefault(decks[n].path, []).append(result)
                found.append(result)
            else:
                done.setdefault(decks[n].path, []).append((lang, *result))
        for deck in decks:
            for lang, temps, slides, seconds in done.get(deck.path, []):
                written.extend(temps)
                report.outputs.append(DeckOutput(deck, lang, temps[0][1], slides, seconds))
        phase("assemble")
        # Everything is assembled: only now do files change, one atomic rename each.
        for tmp, path in written:
            os.replace(tmp, path)
        written = []
    finally:
        _STATE = None
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
    done_decks = {o.deck.path for o in report.outputs}
    used = [chapters[e.key] for d in decks if d.path in done_decks for e in d.entries
            if e.key in chapters]
    copy_pictures(repo, out, used, langs)
    if any(has_diagrams(r) for r in rendered[langs[0]].values()):
        for lang in langs:  # mermaid's browser build, beside the decks that draw diagrams
            diagrams.install(out / lang)
    write_index(out, index_rows(repo, report.outputs), langs[0])
    phase("write")
    report.failed = failed
    report.diagnostics = unique(found)
    report.seconds = time.perf_counter() - started
    return report


def index_rows(repo: Path, outputs: list[DeckOutput]) -> list[Built]:
    """What the course's index page says of each deck built (`coursekit pdf` rewrites it)."""
    return [Built(o.deck.stem, o.lang, deck_title(repo, o.deck, o.lang), o.slides, o.deck.duration)
            for o in outputs]
