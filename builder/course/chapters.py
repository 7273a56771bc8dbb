"""Chapters compiled once each, on all cores: parse, lint, then whatever the caller needs.

Chapters are the expensive part of every command and decks share them, so each distinct chapter
(a file, or an inline entry of a manifest) is parsed once, in parallel across cores. The
markdown-it tokens are too costly to send between processes: whatever needs them (rendering,
message extraction) runs in the worker as the caller's `then`, and only its result and the
token-free chapter come back.

A chapter that cannot be read (not UTF-8, a missing @@INCLUDE, a broken translation) is one
error diagnostic in its result: the other chapters compile all the same.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from builder import checks
from builder.config import Settings
from builder.course.checks import SlideContext  # importing it registers the slide checks
from builder.diagnostics import CourseError, CourseErrors, Diagnostic, Location
from builder.files import read_text
from builder.model import Chapter, CodeBlock, Entry, Increment, Lab, OutlineTag, Slide, Step, Title

PARALLEL_MIN = 12  # below this many chapters a process pool costs more than it saves

Then = Callable[[Path, Chapter], Any]
Keep = Callable[[Chapter], Chapter]


def parse_chapter(text: str, path: str, repo: Path, **options: Any) -> Chapter:
    """builder.chapter's, imported on first use: a build that finds every chapter in its cache
    never loads markdown-it."""
    from builder.chapter import parse_chapter as parse

    return parse(text, path, repo, **options)


@dataclass(slots=True, frozen=True)
class ChapterJob:
    """What to compile: a chapter file (`inline` None) or inline Markdown of a manifest."""

    path: str
    line: int
    inline: str | None = None

    @classmethod
    def of(cls, entry: Entry) -> ChapterJob:
        if entry.inline is not None:
            return cls(entry.path, entry.inline_line, entry.inline)
        return cls(entry.path, 1, None)

    @property
    def key(self) -> tuple[str, int]:
        return (self.path, self.line)


@dataclass(slots=True)
class Compiled:
    """One chapter compiled: the chapter (None if it cannot be read), what `then` made of it,
    and its findings (parse warnings, slide checks, or the error that stopped it)."""

    chapter: Chapter | None
    result: Any = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chapter is not None


def compile_chapter(repo: Path, job: ChapterJob, settings: Settings | None = None,
                    then: Then | None = None, keep: Keep | None = None) -> Compiled:
    """Parse one chapter, run the slide checks on it, then `then(repo, chapter)` while its tokens
    are there (it may add findings to `chapter.diagnostics`); the chapter comes back without
    tokens, and only what `keep` keeps of it (less to send between processes)."""
    settings = settings or Settings()
    try:
        if job.inline is None:
            text = read_text(repo / job.path, job.path)
            chapter = parse_chapter(text, job.path, repo, lab_macros=settings.lab_macros,
                                    shared=settings.shared_folders)
        else:
            chapter = parse_chapter(job.inline, job.path, repo, first_line=job.line,
                                    lab_macros=settings.lab_macros, shared=settings.shared_folders)
        found = list(chapter.diagnostics)
        context = SlideContext(repo, chapter, settings)
        for slide in chapter.slides:
            found.extend(checks.run("slide", slide, context))
        found.extend(checks.run("chapter", chapter, context))
        chapter.diagnostics = found
        result = then(repo, chapter) if then is not None else None
    except CourseError as exc:
        return Compiled(None, None, [exc.diagnostic])
    except CourseErrors as exc:
        return Compiled(None, None, [e.diagnostic for e in exc.errors])
    chapter = chapter.strip_tokens()
    return Compiled(keep(chapter) if keep is not None else chapter, result,
                    list(chapter.diagnostics))


def _compile_args(args: tuple[Path, ChapterJob, Settings, Then | None, Keep | None]) -> Compiled:
    return compile_chapter(*args)


def by_fields(cls: type) -> Callable[[Any], tuple]:
    """A pickle reducer for a dataclass: its fields, given back to its constructor. Slotted
    dataclasses otherwise unpickle through a Python `__setstate__`, several times slower."""
    names = tuple(f.name for f in fields(cls))
    return lambda obj: (cls, tuple(getattr(obj, n) for n in names))


def send_by_fields(*classes: type) -> None:
    """What workers send back, of these dataclasses, crosses as fields (see `by_fields`)."""
    from multiprocessing.reduction import ForkingPickler

    for cls in classes:
        ForkingPickler.register(cls, by_fields(cls))


MODEL = (Chapter, Slide, Increment, Title, OutlineTag, Lab, Step, CodeBlock, Diagnostic, Location,
         Compiled)


def compile_chapters(repo: Path, entries: Iterable[Entry], settings: Settings | None = None,
                     then: Then | None = None, jobs: int | None = None,
                     keep: Keep | None = None) -> dict[tuple[str, int], Compiled]:
    """Every distinct chapter of `entries`, compiled once, keyed like `Entry.key`. `then` and
    `keep` must be module-level functions (or partials of one): worker processes receive them
    by name."""
    settings = settings or Settings()
    unique: dict[tuple[str, int], ChapterJob] = {}
    for entry in entries:
        if entry.key not in unique:
            unique[entry.key] = ChapterJob.of(entry)
    work = [(repo, job, settings, then, keep) for job in unique.values()]
    workers = jobs or os.cpu_count() or 1
    if workers > 1 and len(work) >= PARALLEL_MIN:
        import multiprocessing  # here: a build that compiles nothing starts no pool
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("fork")
        send_by_fields(*MODEL)
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            # Small chunks keep both cores busy to the end; pickling a chunk costs little.
            results = list(pool.map(_compile_args, work, chunksize=4))
    else:
        results = [_compile_args(w) for w in work]
    return dict(zip(unique, results, strict=True))


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Parsing allocates millions of short-lived, acyclic tokens: the cyclic collector would
    scan them over and over (about 15% of a build) for nothing. Forked workers inherit this."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

