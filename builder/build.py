"""`coursekit build`: manifests -> chapters (parsed and rendered once each) -> decks on disk.

Chapters are the expensive part and decks share them, so each distinct chapter is compiled
once, in parallel across cores, and decks are assembled from the results. Nothing is written
until every deck has been assembled: a broken chapter leaves dist/ exactly as it was.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import posixpath
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from builder.chapter import parse_chapter
from builder.diagnostics import CourseError, CourseErrors, Diagnostic, warning
from builder.files import copy_atomic, read_text, write_temp
from builder.i18n.catalog import load_translations
from builder.i18n.outline import deck_outline, outline_markdown
from builder.manifest import load_manifest
from builder.model import Chapter, Deck, Entry
from builder.render.deck import assemble, render_outline
from builder.render.html import RenderedChapter, render_chapter
from builder.render.index import Built, write_index
from builder.render.ui import ui_strings

LANGUAGES = ("en", "fr")  # English is the source; others come from slides/locale/<lang>/
_PARALLEL_MIN = 12  # below this many chapters a process pool costs more than it saves


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
    warnings: list[Diagnostic] = field(default_factory=list)
    chapters: int = 0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase
    seconds: float = 0.0


@dataclass(slots=True, frozen=True)
class _Job:
    path: str
    line: int
    inline: str | None


def find_manifests(repo: Path) -> list[Path]:
    found = sorted((repo / "slides").glob("*.yml")) + sorted((repo / "slides").glob("*.yaml"))
    if not found:
        raise CourseError("slides", None, "no deck manifests found (expected slides/*.yml)")
    return found


def load_decks(repo: Path, manifests: list[Path]) -> list[Deck]:
    decks, errors = [], []
    for manifest in manifests:
        try:
            decks.append(load_manifest(manifest, repo))
        except CourseError as exc:
            errors.append(exc)
    if errors:
        raise CourseErrors(errors)
    return decks


def compile_chapter(repo: Path, job: _Job, langs: tuple[str, ...]
                    ) -> tuple[Chapter, dict[str, RenderedChapter]]:
    """Parse once, render once per language; tokens stay behind in the worker."""
    if job.inline is None:
        text = read_text(repo / job.path, job.path)
        chapter = parse_chapter(text, job.path, repo)
    else:
        chapter = parse_chapter(job.inline, job.path, repo, first_line=job.line)
    rendered = {lang: render_chapter(chapter) if lang == "en" else
                render_chapter(chapter, translations=load_translations(repo, lang, job.path))
                for lang in langs}
    return chapter.strip_tokens(), rendered


def _compile_safe(args: tuple[Path, _Job, tuple[str, ...]]):
    try:
        return compile_chapter(*args)
    except CourseError as exc:
        return exc


def compile_chapters(repo: Path, entries: list[Entry], langs: tuple[str, ...],
                     jobs: int | None = None):
    unique: dict[tuple[str, int], _Job] = {}
    for e in entries:
        if e.key not in unique:
            line = e.inline_line if e.inline is not None else 1
            unique[e.key] = _Job(e.path, line, e.inline)
    work = [(repo, job, langs) for job in unique.values()]
    workers = jobs or os.cpu_count() or 1
    if workers > 1 and len(work) >= _PARALLEL_MIN:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            # Small chunks keep both cores busy to the end; pickling a chunk costs little.
            results = list(pool.map(_compile_safe, work, chunksize=4))
    else:
        results = [_compile_safe(w) for w in work]
    chapters: dict[tuple[str, int], Chapter] = {}
    rendered: dict[str, dict[tuple[str, int], RenderedChapter]] = {lang: {} for lang in langs}
    errors = []
    for key, result in zip(unique, results, strict=True):
        if isinstance(result, CourseError):
            errors.append(result)
            continue
        chapter, by_lang = result
        chapters[key] = chapter
        for lang in langs:
            rendered[lang][key] = by_lang[lang]
    if errors:
        raise CourseErrors(sorted(errors, key=lambda e: (e.path, e.line or 0)))
    return chapters, rendered


_STATE: tuple | None = None  # what forked assembly workers inherit from build()
_REPO = Path(".")


def deck_files(repo: Path, deck: Deck, chapters: dict, rendered: dict, lang: str,
               languages: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(name, text) of what one deck becomes in one language: the deck and its syllabus."""
    title = deck_title(repo, deck, lang)
    html = assemble(deck, chapters, rendered, lang, title=title, languages=languages)
    modules = deck_outline(deck, chapters, rendered, lang, title, ui_strings(lang)["part"])
    return [(f"{deck.stem}.html", html),
            (f"{deck.stem}-outline.html", render_outline(modules, lang, title)),
            (f"{deck.stem}-outline.md", outline_markdown(title, modules))]


def _assemble_one(task: tuple[int, str]) -> tuple[list[tuple[Path, Path]], int, float]:
    decks, chapters, rendered, out = _STATE  # type: ignore[misc]
    deck, lang = decks[task[0]], task[1]
    t0 = time.perf_counter()
    files = deck_files(_REPO, deck, chapters, rendered[lang], lang, tuple(rendered))
    temps = [(write_temp(out / lang / name, text), out / lang / name) for name, text in files]
    return temps, files[0][1].count('<section class="slide'), time.perf_counter() - t0


@contextmanager
def _no_cyclic_gc():
    """Parsing allocates millions of short-lived, acyclic tokens: the cyclic collector would
    scan them over and over (about 15% of a build) for nothing. Forked workers inherit this."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_languages(langs: tuple[str, ...]) -> None:
    for lang in langs:
        if lang not in LANGUAGES:
            raise CourseError("--lang", None, f"language {lang!r} is not available "
                                              f"(available: {', '.join(LANGUAGES)})")


def deck_title(repo: Path, deck: Deck, lang: str) -> str:
    """The manifest's title, translated through the manifest's own catalog."""
    if lang == "en":
        return deck.title
    return load_translations(repo, lang, deck.path).lookup(deck.title) or deck.title


def build(repo: Path, out: Path | None = None, manifests: list[Path] | None = None,
          langs: tuple[str, ...] = LANGUAGES, jobs: int | None = None) -> BuildReport:
    with _no_cyclic_gc():
        return _build(repo, out, manifests, langs, jobs)


def _build(repo: Path, out: Path | None, manifests: list[Path] | None,
           langs: tuple[str, ...], jobs: int | None) -> BuildReport:
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

    decks = load_decks(repo, manifests or find_manifests(repo))
    phase("manifests")
    chapters, rendered = compile_chapters(repo, [e for d in decks for e in d.entries], langs, jobs)
    phase("chapters")
    report.chapters = len(chapters)
    for chapter in chapters.values():
        report.warnings.extend(chapter.warnings)

    for deck in decks:
        _check_images(repo, [chapters[e.key] for e in deck.entries], report.warnings)
    tasks = [(n, lang) for n in range(len(decks)) for lang in langs]
    global _STATE, _REPO
    _STATE = (decks, chapters, rendered, out)
    _REPO = repo
    written: list[tuple[Path, Path]] = []
    try:
        workers = jobs or os.cpu_count() or 1
        if workers > 1 and len(tasks) > 2:
            ctx = multiprocessing.get_context("fork")  # workers inherit _STATE, nothing pickled
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                results = list(pool.map(_assemble_one, tasks))
        else:
            results = [_assemble_one(t) for t in tasks]
        for (n, lang), (temps, slides, seconds) in zip(tasks, results, strict=True):
            written.extend(temps)
            report.outputs.append(DeckOutput(decks[n], lang, temps[0][1], slides, seconds))
        phase("assemble")
        # Every deck is assembled: only now does dist/ change, one atomic rename per deck.
        for tmp, path in written:
            os.replace(tmp, path)
        written = []
    finally:
        _STATE = None
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
    copied: set[tuple[str, str]] = set()
    for deck in decks:
        for chapter in {id(c): c for c in (chapters[e.key] for e in deck.entries)}.values():
            for src, _p, _l in (i for s in chapter.slides for i in s.images):
                rel = _local_image(src)
                if rel is None or not (repo / "slides" / rel).is_file():
                    continue
                for lang in langs:
                    if (lang, rel) not in copied:
                        copied.add((lang, rel))
                        copy_atomic(repo / "slides" / rel, out / lang / rel)
    write_index(out, index_rows(repo, report.outputs), langs[0])
    phase("write")
    report.warnings = list(dict.fromkeys(report.warnings))
    report.seconds = time.perf_counter() - started
    return report


def index_rows(repo: Path, outputs: list[DeckOutput]) -> list[Built]:
    """What the course's index page says of each deck built (`coursekit pdf` rewrites it)."""
    return [Built(o.deck.stem, o.lang, deck_title(repo, o.deck, o.lang), o.slides, o.deck.duration)
            for o in outputs]


def _local_image(src: str) -> str | None:
    """The image's path under slides/, or None for remote, data: or out-of-tree images."""
    if not src or "://" in src or src.startswith(("data:", "#", "/")):
        return None
    rel = posixpath.normpath(src.split("#")[0].split("?")[0])
    if rel.startswith(".."):
        return None
    return rel


def _check_images(repo: Path, chapters: list[Chapter], warnings: list[Diagnostic]) -> None:
    for chapter in chapters:
        for slide in chapter.slides:
            for src, path, line in slide.images:
                rel = _local_image(src)
                if rel is None:
                    if src.startswith(".."):
                        warnings.append(warning(path, line, f"image outside slides/: {src}"))
                    continue
                if not (repo / "slides" / rel).is_file():
                    warnings.append(warning(path, line, f"image not found: slides/{rel}"))
