"""`coursekit build`: the course (decks, chapters compiled once) -> one HTML file per deck and
language, with its syllabus and pictures.

Chapters are the expensive part and decks share them: the course layer compiles each distinct
chapter once, in parallel, rendering it in every language while its tokens are at hand. Decks
are then assembled (in parallel too) and written.

Builds are incremental: a chapter whose files (and the code, settings, catalogs...) are as they
were comes from the build cache (builder/course/cache.py) without being parsed, and a deck in a
language whose chapters, manifest and catalog are as they were, and whose files are as the last
build wrote them, is neither assembled nor written. `cache=False` (`--no-cache`) builds from
scratch and leaves the cache alone.

An error stops only what it breaks: a deck whose manifest or chapters have an error (with
`--strict`, a warning) is not written and its previous output stays; every other deck is
written. Files change only once everything to write is assembled, each by an atomic rename; a
file whose bytes would not change is not written at all.
"""

from __future__ import annotations

import os
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from builder.config import Settings, load_settings
from builder.course import (
    LANGUAGES,
    ChapterJob,
    Compiled,
    Course,
    check_languages,
    compile_chapters,
    copy_picture_files,
    find_manifests,
    load_decks,
    no_cyclic_gc,
    pictures,
)
from builder.course.cache import (
    ChapterCache,
    JobRecord,
    OutputRecord,
    digest,
    environment,
    slim,
    written,
)
from builder.course.chapters import PARALLEL_MIN, send_by_fields
from builder.course.translations import po_path, title_in
from builder.diagnostics import CourseError, Diagnostic, error, unique
from builder.files import one_reading, same_text, write_temp
from builder.forked import Forked, reap
from builder.model import Chapter, Deck, Entry
from builder.render import diagrams

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
    compiled: int = 0  # chapters parsed and rendered by this build (the others came from the cache)
    assembled: int = 0  # deck files assembled in some language (the others were up to date)
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
        cached = self.chapters - self.compiled
        reused = f", {cached} from the cache" if cached else ""
        return (f"built {self.built} of {self.decks} deck{'s' * (self.decks != 1)}{failed} "
                f"({self.chapters} chapter{'s' * (self.chapters != 1)}{reused}, "
                f"{self.seconds:.2f} s)")


@dataclass(slots=True, frozen=True)
class _Summary:
    """What a build needs of a chapter whose decks it does not assemble: kept in the cache's
    index (as a plain tuple), so that a build with nothing to do reads no chapter."""

    has_diagrams: bool
    broken: dict[str, Diagnostic]  # language -> why that language cannot be rendered

    @classmethod
    def of(cls, compiled: Compiled) -> _Summary:
        from builder.render.languages import has_diagrams

        results = compiled.result or {}
        drawn = [r for r in results.values() if not isinstance(r, Diagnostic)]
        return cls(any(has_diagrams(r) for r in drawn),
                   {lang: r for lang, r in results.items() if isinstance(r, Diagnostic)})

    @classmethod
    def read(cls, stored: object) -> _Summary | None:
        """From the index; None unless it is what `stored` makes."""
        if (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], bool)
                and isinstance(stored[1], dict)
                and all(isinstance(d, Diagnostic) for d in stored[1].values())):
            return cls(stored[0], dict(stored[1]))
        return None

    def stored(self) -> tuple[bool, dict[str, Diagnostic]]:
        return (self.has_diagrams, dict(self.broken))


def _entry_classes() -> tuple[type, ...]:
    from builder.render.html import RenderedChapter, RenderedSlide

    return (RenderedChapter, RenderedSlide)


def _reducers() -> dict[type, Any]:
    """How a compiled chapter crosses from a forked child: its dataclasses as fields."""
    from builder.course.chapters import MODEL, by_fields

    return {cls: by_fields(cls) for cls in (*MODEL, *_entry_classes())}


# What forked assembly workers inherit from build(): nothing is pickled but the task.
_STATE: tuple | None = None


Assembled = tuple[list[tuple[Path, Path]], list[Path], int, float]


def _assemble_one(task: tuple[int, str]) -> Assembled | Diagnostic:
    """One deck in one language: temporary files for what changed, every file's path, the
    number of slides, the seconds it took."""
    from builder.render.pages import deck_files

    repo, decks, chapters, rendered, out, langs = _STATE  # type: ignore[misc]
    deck, lang = decks[task[0]], task[1]
    t0 = time.perf_counter()
    try:
        files = deck_files(repo, deck, chapters, rendered[lang], lang, langs)
    except CourseError as exc:  # the manifest's own catalog is broken: this language fails
        return exc.diagnostic
    temps, paths = [], []
    for name, text in files:
        path = out / lang / name
        paths.append(path)
        data = text.encode("utf-8")
        if not same_text(path, data):
            temps.append((write_temp(path, data), path))
    return temps, paths, files[0][1].count('<section class="slide'), time.perf_counter() - t0


def _assemble_beside(tasks: list[tuple[int, str]], copying: _Background) -> list[Assembled | Diagnostic]:
    """The first task here, each other one in a forked child; pictures checked here meanwhile
    (a thread would contend with this process's assembly)."""
    children = [Forked(_assemble_one, task) for task in tasks[1:]]
    try:
        copying.start(here=True)
        results = [_assemble_one(tasks[0])]
        return results + [child.result_or(_assemble_one, task)  # killed: done here
                          for task, child in zip(tasks[1:], children, strict=True)]
    finally:
        for child in children:
            child.cancel()


def build(repo: Path, out: Path | None = None, manifests: list[Path] | None = None,
          langs: tuple[str, ...] = LANGUAGES, jobs: int | None = None,
          strict: bool = False, cache: bool = True) -> BuildReport:
    """Build every deck that has no error (`strict`: no warning either) into OUT/<lang>/;
    `cache` False builds from scratch and neither reads nor writes the build cache."""
    with no_cyclic_gc(), one_reading():
        try:
            return _build(repo, out, manifests, langs, jobs, strict, cache)
        finally:
            reap(wait=True)  # the forked children, long done by now: none outlives the build


class _Chapters:
    """Every chapter of the build: its findings and summary at once; its slides and renders only
    when a deck that uses it is assembled (read from the cache, or compiled if unusable)."""

    def __init__(self, repo: Path, settings: Settings, langs: tuple[str, ...],
                 store: ChapterCache | None, workers: int | None) -> None:
        self.repo, self.settings, self.langs = repo, settings, langs
        self.store, self.workers = store, workers
        self.entries: dict[tuple[str, int], Entry] = {}
        self.records: dict[tuple[str, int], JobRecord] = {}  # key -> what the cache knows
        self.compiled: dict[tuple[str, int], Compiled] = {}  # findings of every chapter
        self.summaries: dict[tuple[str, int], _Summary] = {}
        self.pictures: dict[tuple[str, int], set[str]] = {}
        self.parts: dict[tuple[str, int], tuple[Chapter, dict[str, Any]]] = {}
        self.fresh = 0

    def compile(self, entries: list[Entry], decks: Iterable[Deck] = ()) -> None:
        """Find each distinct chapter in the cache, or compile it. The `decks` that use a
        chapter to compile will be assembled again: their other chapters are read from the
        cache meanwhile."""
        for entry in entries:
            self.entries.setdefault(entry.key, entry)
        todo: list[Entry] = []
        for key, entry in self.entries.items():
            record = self.store.lookup(ChapterJob.of(entry)) if self.store else None
            summary = _Summary.read(record.summary) if record is not None else None
            if record is None or summary is None:
                todo.append(entry)
                continue
            self.records[key] = record
            self.summaries[key] = summary
            self.pictures[key] = set(record.pictures)
            self.compiled[key] = Compiled(None, None, record.diagnostics)
        todo_keys = {e.key for e in todo}
        beside = {e.key for d in decks if any(e.key in todo_keys for e in d.entries)
                  for e in d.entries} - todo_keys
        self._compile(todo, beside)

    def _compile(self, entries: list[Entry], beside: Collection[tuple[str, int]] = ()) -> None:
        """Compile `entries`; a few of them, in a forked child while this process reads the
        chapters `beside` them from the cache (an edit's rebuild: each takes about as long)."""
        if not entries:
            return
        jobs = {e.key: ChapterJob.of(e) for e in entries}
        before = {k: self.store.digest_before(j) for k, j in jobs.items()} if self.store else {}
        workers = self.workers or os.cpu_count() or 1
        if beside and workers > 1 and len(entries) < PARALLEL_MIN:
            # The Markdown parser and renderer, which both need, are loaded before the fork;
            # the deck renderer, which only this process needs, while the child compiles.
            import builder.render.languages  # noqa: F401

            child = Forked(self._compile_here, entries, 1, reducers=_reducers)
            try:
                # Meanwhile, what assembling the decks needs: the renderer, its templates and
                # words, the index page's, and the other chapters of the decks.
                from builder.render.index import warm as warm_index
                from builder.render.pages import prepare

                prepare(self.langs)
                warm_index()
                self.load(set(beside), compile_unusable=False)
                done = child.result_or(self._compile_here, entries, 1)
            finally:
                child.cancel()
        else:
            send_by_fields(*_entry_classes())
            done = self._compile_here(entries, self.workers)
        self.fresh += len(done)
        for key, compiled in done.items():
            summary = _Summary.of(compiled)
            self.compiled[key] = compiled
            self.summaries[key] = summary
            self.records.pop(key, None)
            if compiled.chapter is None:
                self.pictures[key] = set()
                continue
            self.pictures[key] = pictures(compiled.chapter)
            self.parts[key] = (compiled.chapter, compiled.result or {})
            if self.store is not None:
                record = self.store.store(jobs[key], compiled, summary.stored(), before.get(key))
                if record is not None:
                    self.records[key] = record

    def _compile_here(self, entries: list[Entry], workers: int | None) -> dict[tuple[str, int], Compiled]:
        """Compile `entries` in this process (or the child it forked for them), with `workers`
        processes of its own; a few chapters first recall their last version's highlights."""
        from builder.render.languages import render_languages

        if self.store is not None and len(entries) < PARALLEL_MIN:
            self._remember_code(ChapterJob.of(e) for e in entries)
        return compile_chapters(self.repo, entries, self.settings,
                                partial(render_languages, langs=self.langs), workers, slim)

    def _remember_code(self, jobs: Iterable[ChapterJob]) -> None:
        """The code blocks of the chapters' last versions, as highlighted then: an edit
        rarely touches them, and a few chapters compiled here would each pay for loading
        Pygments' lexers (a pool of workers spreads that over many chapters)."""
        from builder.render.code import remember
        from builder.render.html import RenderedChapter

        for job in jobs:
            previous = self.store.previous(job)  # type: ignore[union-attr]
            if isinstance(previous, dict):
                for rendered in previous.values():
                    if isinstance(rendered, RenderedChapter) and isinstance(rendered.code, dict):
                        remember(rendered.code)

    def load(self, keys: set[tuple[str, int]], compile_unusable: bool = True) -> None:
        """Make the slides and renders of `keys` available (the readable ones; the others
        compiled again unless told not to)."""
        redo = []
        for key in keys:
            if key in self.parts or key not in self.records or self.store is None:
                continue
            found = self.store.load(ChapterJob.of(self.entries[key]), self.records[key])
            if found is None:
                redo.append(self.entries[key])
            else:
                self.parts[key] = found
        if compile_unusable:
            self._compile(redo)

    def key_of(self, key: tuple[str, int]) -> str | None:
        record = self.records.get(key)
        return record.key if record else None


class _Background:
    """A call run on a thread (file copies: the disk works while the workers compute); `check`,
    once it is waited for, raises what it raised."""

    def __init__(self, fn, *args) -> None:
        self.fn, self.args = fn, args
        self.thread: Any = None  # a threading.Thread once started
        self.error: BaseException | None = None

    def _run(self) -> None:
        try:
            self.fn(*self.args)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by join()
            self.error = exc

    def start(self, here: bool = False) -> None:
        """On a thread, or `here` and now (when this thread has Python work of its own to do
        meanwhile, a thread only slows it: both take turns at the interpreter)."""
        if here:
            self._run()
            return
        import threading  # here: an edit's rebuild starts no thread

        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()

    def check(self) -> None:
        if self.error is not None:
            raise self.error


def _open_cache(repo: Path, settings: Settings, langs: tuple[str, ...]) -> ChapterCache:
    env = environment(repr(settings), diagrams.library() is not None)
    extra = [lang for lang in langs if lang != LANGUAGES[0]]

    def catalogs(job: ChapterJob) -> list[str]:
        return [po_path(repo, lang, job.path).relative_to(repo).as_posix() for lang in extra]

    return ChapterCache(repo, env, ",".join(langs), catalogs, _entry_classes,
                        shared=settings.shared_folders)


def _build(repo: Path, out: Path | None, manifests: list[Path] | None,
           langs: tuple[str, ...], jobs: int | None, strict: bool, use_cache: bool) -> BuildReport:
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

    settings = load_settings(repo)
    course = Course(repo, settings, load_decks(repo, manifests or None, settings.shared_folders))
    phase("manifests")
    store = _open_cache(repo, course.settings, langs) if use_cache else None
    chapters = _Chapters(repo, course.settings, langs, store, jobs)
    chapters.compile(course.entries, course.decks.decks)
    course.compiled = chapters.compiled  # what failures() and diagnostics() read: the findings
    phase("chapters")
    decks = course.decks.decks
    report.chapters = len(chapters.compiled)
    report.compiled = chapters.fresh
    report.decks = len(decks) + sum(1 for p in course.decks.broken if p not in {d.path for d in decks})
    failed = course.failures(strict)
    found = course.diagnostics(strict)
    for summary in chapters.summaries.values():
        found.extend(summary.broken.values())

    tasks: list[tuple[int, str]] = []
    keys: dict[tuple[int, str], str | None] = {}
    kept: dict[tuple[str, str], OutputRecord] = {}
    for n, deck in enumerate(decks):
        if deck.path in failed:
            continue
        used = list(dict.fromkeys(e.key for e in deck.entries))
        for lang in langs:
            why = [chapters.summaries[k].broken[lang] for k in used
                   if lang in chapters.summaries[k].broken]
            if why:
                failed.setdefault(deck.path, []).extend(why)
                continue
            key = _deck_key(store, repo, deck, lang, langs, [chapters.key_of(k) for k in used])
            keys[(n, lang)] = key
            record = store.output(out, deck.path, lang) if store and key else None
            if record is not None and record.key == key and all(
                    written(Path(f[0])) == f for f in record.files):
                kept[(deck.path, lang)] = record
            else:
                tasks.append((n, lang))
    chapters.load({k for n, _ in tasks for k in (e.key for e in decks[n].entries)})
    for n, lang in list(tasks):  # a chapter read again from its file that could not be (gone since)
        missing = [e for e in decks[n].entries if e.key not in chapters.parts]
        lost = [d for e in missing for d in chapters.compiled[e.key].diagnostics if d.is_error]
        lost += [error(e.path, None, "chapter changed while the build read it: build again")
                 for e in missing if not lost]
        if lost:
            tasks.remove((n, lang))
            failed.setdefault(decks[n].path, []).extend(lost)
            found.extend(lost)
    phase("chapters")

    # The pictures of every deck to write or keep, copied while workers assemble (a deck that
    # then fails, its catalog broken, has them copied all the same).
    planned = {n for n, _ in tasks} | {n for n, d in enumerate(decks)
                                       if any((d.path, lang) in kept for lang in langs)}
    pictured = {rel for n in planned for e in decks[n].entries
                for rel in chapters.pictures.get(e.key, ())}
    copying = _Background(copy_picture_files, repo, out, pictured, langs,
                          course.settings.shared_folders)

    global _STATE
    parts = chapters.parts
    rendered = {lang: {k: r[lang] for k, (_, r) in parts.items()
                       if not isinstance(r.get(lang), (Diagnostic, type(None)))} for lang in langs}
    _STATE = (repo, decks, {k: c for k, (c, _) in parts.items()}, rendered, out, langs)
    temps: list[tuple[Path, Path]] = []
    try:
        workers = jobs or os.cpu_count() or 1
        if workers > 1 and len(tasks) > 1:
            from builder.render.pages import prepare

            prepare(langs)  # once here, not in each worker
            if len(tasks) <= workers:
                # As many decks as cores (an edit's rebuild): this process assembles the first
                # one itself, and one forked child each of the others (a pool costs more).
                results = _assemble_beside(tasks, copying)
            else:  # the workers share them, this process copies pictures
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                ctx = multiprocessing.get_context("fork")  # workers inherit _STATE, nothing pickled
                with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                    pending = pool.map(_assemble_one, tasks)  # every worker forked: threads may start
                    copying.start()
                    results = list(pending)
        else:
            copying.start()
            results = [_assemble_one(t) for t in tasks]
        report.assembled = len(tasks)
        done: dict[tuple[str, str], tuple[list[Path], int, float]] = {}
        for (n, lang), result in zip(tasks, results, strict=True):
            if isinstance(result, Diagnostic):
                failed.setdefault(decks[n].path, []).append(result)
                found.append(result)
            else:
                temps.extend(result[0])
                done[(decks[n].path, lang)] = result[1:]
        phase("assemble")
        # Everything is assembled: only now do files change, one atomic rename each.
        for tmp, path in temps:
            os.replace(tmp, path)
        temps = []
    finally:
        _STATE = None
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        copying.wait()
    copying.check()
    for n, deck in enumerate(decks):
        for lang in langs:
            if (deck.path, lang) in done:
                paths, slides, seconds = done[(deck.path, lang)]
                report.outputs.append(DeckOutput(deck, lang, paths[0], slides, seconds))
                files = tuple(written(p) for p in paths)
                key = keys.get((n, lang))
                if store is not None:
                    store.set_output(out, deck.path, lang, OutputRecord(key, files, slides)  # type: ignore[arg-type]
                                     if key and all(files) else None)
            elif (deck.path, lang) in kept:
                record = kept[(deck.path, lang)]
                report.outputs.append(DeckOutput(deck, lang, Path(record.files[0][0]),
                                                 record.slides, 0.0))
    if any(s.has_diagrams for s in chapters.summaries.values()):
        for lang in langs:  # mermaid's browser build, beside the decks that draw diagrams
            diagrams.install(out / lang)
    _write_index(store, repo, out, report.outputs, langs)
    if store is not None:
        if manifests is None:
            store.forget_others(ChapterJob.of(e) for e in chapters.entries.values())
        store.save()
    phase("write")
    report.failed = failed
    report.diagnostics = unique(found)
    report.seconds = time.perf_counter() - started
    return report


def _deck_key(store: ChapterCache | None, repo: Path, deck: Deck, lang: str,
              langs: tuple[str, ...], chapter_keys: list[str | None]) -> str | None:
    """What one deck in one language is made of, or None when some part is not in the cache."""
    if store is None or None in chapter_keys:
        return None
    catalog = po_path(repo, lang, deck.path).relative_to(repo).as_posix()
    return store.deck_key(repr(deck), f"{lang} of {','.join(langs)}", [catalog],
                          chapter_keys)  # type: ignore[arg-type]


def index_rows(repo: Path, outputs: list[DeckOutput]) -> list:
    """What the course's index page says of each deck built (`coursekit pdf` rewrites it)."""
    from builder.render.index import Built

    return [Built(*row) for row in _rows(repo, outputs)]


def _rows(repo: Path, outputs: list[DeckOutput]) -> list[tuple[str, str, str, int, str]]:
    return [(o.deck.stem, o.lang, title_in(repo, o.deck.path, o.deck.title, o.lang), o.slides,
             o.deck.duration) for o in outputs]


def _write_index(store: ChapterCache | None, repo: Path, out: Path, outputs: list[DeckOutput],
                 langs: tuple[str, ...]) -> None:
    """The course's index page, unless it would say what it says: the decks listed, and the
    files beside them it links to or reads back, are as when it was written."""
    rows = _rows(repo, outputs)
    index = out / "index.html"
    if store is not None:
        present = sorted(w for p in out.glob("*/*") if p.suffix in (".html", ".pdf")
                         if (w := written(p)) is not None)
        key = digest(store.env, langs[0], rows, present)
        record = store.output(out, "index.html", "")
        if record is not None and record.key == key and written(index) == record.files[0]:
            return
    from builder.render.index import Built, write_index

    write_index(out, [Built(*row) for row in rows], langs[0])
    if store is not None:
        store.set_output(out, "index.html", "", OutputRecord(key, (written(index),), 0))  # type: ignore[arg-type]
