"""`coursekit lint`: build the decks (or reuse an up-to-date build), open every deck in headless
Chromium, measure each slide as the audience would see it, and report at the source line.

The expensive part is the browser, so pages are checked in parallel: one Chromium, one page per
core, each page a deck in one language, or a share of the slides of a big deck (every page
loads the whole deck, but measures only its share). The sources are parsed here too, once, so
that a finding about a section of the page can name the line of Markdown to edit.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from html import unescape
from importlib import resources
from pathlib import Path

import builder
from builder import checks
from builder.build import build
from builder.course import LANGUAGES, check_languages, load_course, pictures
from builder.diagnostics import Diagnostic, error, note, unique, warning
from builder.lint.facts import Macros, Page, Section, ShownSlide
from builder.lint.rules import SEMANTIC_CLASSES, macros_of
from builder.model import Chapter, Deck, Slide
from builder.render.chromium import bounded, browser_context, check_chromium, workers

checks.load("builder.lint.rules")

_SECTION_ID_RE = re.compile(r'<section class="slide[^"]*" id="([^"]*)"')
CHUNK_MIN = 300  # sections: below this, a page of its own costs more (loading) than it saves
SETTLE_MS = 5000  # the longest lint waits for the next picture to load or fail
THUMBS_MAX = 150  # thumbnails in the HTML report, at most
THUMB = {"width": 480, "height": 270}
PAGE_TIMEOUT = 60.0  # seconds to load and measure a page, plus 20 ms a slide (a script on a
                     # slide may loop forever: the page is then given up, not waited for)


@dataclass(slots=True)
class Problem:
    """A slide with findings on one page: where it is, what is wrong, what it looks like."""

    key: str  # the slide's identity across languages: "path:line", or "#N" for a generated one
    index: int  # 0-based section in the deck
    diagnostics: list[Diagnostic]
    thumbnail: bytes = b""  # JPEG


@dataclass(slots=True)
class PageResult:
    deck: Deck
    lang: str
    html: Path
    sections: int = 0
    problems: list[Problem] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass(slots=True)
class LintResult:
    pages: list[PageResult]
    diagnostics: list[Diagnostic]
    built: bool  # False when an up-to-date build was reused
    seconds: float
    out: Path

    @property
    def slides(self) -> int:
        return sum(p.sections for p in self.pages)


@dataclass(slots=True)
class _Chunk:
    page: Page
    sources: dict[str, tuple[Slide, int]]
    start: int
    stop: int
    total: int


def lint(repo: Path, out: Path | None = None, manifests: list[Path] | None = None,
         langs: tuple[str, ...] = LANGUAGES, jobs: int | None = None,
         thumbnails: bool = True, progress: Callable[[str], None] | None = None) -> LintResult:
    """Lint every deck that builds; a deck the build could not write is not linted, and the
    build's reasons for it are among the findings (so the exit status says it too)."""
    started = time.perf_counter()
    repo = repo.resolve()
    out = (out or repo / "dist").resolve()
    check_languages(langs)
    check_chromium("to lint decks")
    course = load_course(repo, manifests, then=macros_of, jobs=jobs)
    chapters = course.chapters
    macros = _macros(course.compiled)
    failed = course.failures()
    decks = [d for d in course.decks.decks if d.path not in failed]
    built = _stale(repo, out, decks, chapters, langs)
    written = {(d.path, lang) for d in decks for lang in langs}
    if built:
        report = build(repo, out, manifests, langs, jobs)
        failed = report.failed
        written = {(o.deck.path, o.lang) for o in report.outputs}
    if progress:
        progress(f"{'built' if built else 'reusing the build in'} {out}")
    known = frozenset(SEMANTIC_CLASSES | {c for d in decks for c in d.exclude})
    pages = [Page(deck=d, lang=lang, html=out / lang / f"{d.stem}.html", repo=repo, known=known,
                  macros=macros)
             for d in course.decks.decks for lang in langs if (d.path, lang) in written]
    results = asyncio.run(_check_pages(pages, chapters, out, workers(jobs), thumbnails)) if pages else []
    linted = {p.deck.path for p in pages}
    diagnostics = _language_dedup(unique([*_not_built(failed, course.decks.decks, linted),
                                          *(d for r in results for d in r.diagnostics)]))
    return LintResult(results, diagnostics, built, time.perf_counter() - started, out)


def _not_built(failed: dict[str, list[Diagnostic]], decks: list[Deck],
               linted: set[str]) -> list[Diagnostic]:
    """Why a deck (or one of its languages) was not linted: the build's own errors for it, and
    a note for a deck that was not linted at all."""
    stems = {d.path: d.stem for d in decks}
    found: list[Diagnostic] = []
    for path, reasons in failed.items():
        found.extend(reasons)
        if path in stems and path not in linted:
            found.append(note(path, None, f"{stems[path]} was not linted: the build could not "
                                          "write it (its errors say why)"))
    return found


# ---------- Sources ----------

def _macros(compiled: dict) -> Macros:
    """(path, line) of each slide -> the `.name[` macros on it (found where the tokens were)."""
    found: Macros = {}
    for result in compiled.values():
        if result.chapter is None or result.result is None:
            continue
        for slide, names in zip(result.chapter.slides, result.result, strict=True):
            if names:
                found[(slide.path, slide.line)] = names
    return found


def _sources(deck: Deck, chapters: dict[tuple[str, int], Chapter]) -> dict[str, tuple[Slide, int]]:
    """`path:line` of each step of the deck's slides -> (slide, step index)."""
    found: dict[str, tuple[Slide, int]] = {}
    for entry in deck.entries:
        for slide in chapters[entry.key].slides:
            for k, inc in enumerate(slide.increments):
                found.setdefault(f"{slide.path}:{inc.line}", (slide, k))
    return found


@cache
def _coursekit_files() -> tuple[Path, ...]:
    root = Path(builder.__file__).parent
    return tuple(p for p in root.rglob("*") if p.suffix in (".py", ".j2", ".css", ".js", ".po"))


def _stale(repo: Path, out: Path, decks: list[Deck], chapters: dict, langs: tuple[str, ...]) -> bool:
    """Whether the decks must be built: an output is missing, or older than anything it is
    made of (manifest, chapters, included files, pictures, catalogs, coursekit itself)."""
    try:
        oldest = min((out / lang / f"{d.stem}.html").stat().st_mtime for d in decks for lang in langs)
    except (OSError, ValueError):  # an output is missing, or no deck can be built (say why)
        return True
    sources: set[Path] = {repo / d.path for d in decks}
    for chapter in chapters.values():
        sources.add(repo / chapter.path)
        sources.update(repo / inc for inc in chapter.includes)
        sources.update(repo / "slides" / rel for rel in pictures(chapter))
    for lang in langs:
        if lang != "en":
            sources.update((repo / "slides" / "locale" / lang).rglob("*.po"))
    sources.update(_coursekit_files())
    return any(_mtime(p) > oldest for p in sources)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


# ---------- The browser ----------

@cache
def _measure_js() -> str:
    return resources.files("builder.lint").joinpath("measure.js").read_text("utf-8")


def _chunks(pages: list[Page], chapters: dict, limit: int) -> list[_Chunk]:
    counts = [_section_count(p.html) for p in pages]
    size = max(CHUNK_MIN, math.ceil(sum(counts) / limit))
    found = []
    for page, count in zip(pages, counts, strict=True):
        sources = _sources(page.deck, chapters)
        parts = max(1, math.ceil(count / size))
        step = math.ceil(count / parts) if count else 1
        for start in range(0, max(count, 1), step):
            found.append(_Chunk(page, sources, start, min(count, start + step), count))
    return found


async def _check_pages(pages: list[Page], chapters: dict, out: Path, limit: int,
                       thumbnails: bool) -> list[PageResult]:
    chunks = _chunks(pages, chapters, limit)
    budget = [THUMBS_MAX if thumbnails else 0]
    async with browser_context(out) as context:
        done = await bounded([lambda c=c: _check_chunk(context, c, budget) for c in chunks], limit)
    results: dict[tuple[str, str], PageResult] = {}
    for chunk, (diagnostics, problems) in zip(chunks, done, strict=True):
        key = (chunk.page.deck.stem, chunk.page.lang)
        result = results.setdefault(key, PageResult(chunk.page.deck, chunk.page.lang, chunk.page.html,
                                                    sections=chunk.total))
        result.diagnostics.extend(diagnostics)
        result.problems.extend(problems)
    return list(results.values())


async def _check_chunk(context, chunk: _Chunk, budget: list[int]
                       ) -> tuple[list[Diagnostic], list[Problem]]:
    page = chunk.page
    tab = await context.new_page()
    failures: list[str] = []
    tab.on("pageerror", lambda e: failures.append(str(e).split("\n")[0]))
    limit = PAGE_TIMEOUT + chunk.total / 50
    try:
        await tab.goto(page.html.as_uri() + f"#{chunk.start + 1}", wait_until="load",
                       timeout=limit * 1000)
        measured = await asyncio.wait_for(
            tab.evaluate(_measure_js(), {"from": chunk.start, "to": chunk.stop, "settle": SETTLE_MS}),
            timeout=limit)
    except Exception as exc:  # noqa: BLE001 - a deck that will not load or measure is a finding
        await _close(tab)
        timeout = isinstance(exc, asyncio.TimeoutError) or "Timeout" in type(exc).__name__
        reason = f"gave up after {limit:.0f} s" if timeout else str(exc).split("\n")[0]
        return [error(page.deck.path, None, f"{page.html.name} ({page.lang}) could not be measured "
                                            f"in Chromium: {reason}")], []
    try:
        page.styled = frozenset(measured["classes"])
        sections = [Section.from_page(f) for f in measured["sections"]]
        _find_lost(page, measured["ids"], sections)
        page.first_named = _first_named(chunk)
        diagnostics, problems = _run_checks(chunk, sections)
        for message in dict.fromkeys(failures):
            diagnostics.append(warning(page.deck.path, None, f"a script in {page.html.name} "
                                                             f"({page.lang}) failed: {message}"))
        for problem in problems:
            if all(d.severity == "note" for d in problem.diagnostics):
                continue  # notes ask for nothing: no picture needed
            if budget[0] <= 0:
                break
            budget[0] -= 1
            try:
                problem.thumbnail = await asyncio.wait_for(_thumbnail(tab, problem.index), 20)
            except Exception:  # noqa: BLE001 - a picture is a nicety: the finding stands without it
                break
        return diagnostics, problems
    finally:
        await _close(tab)


async def _close(tab) -> None:
    """Close a page, even one whose script is stuck in a loop (the browser goes at the end)."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(tab.close(run_before_unload=False), 10)


def _find_lost(page: Page, seen: list[str], sections: list[Section]) -> None:
    """Sections the builder wrote but the browser never saw: raw HTML on a slide (an unclosed
    `<!--`, `<script>`, `<textarea>`) swallowed them. Each run of them is laid at the door of
    the last section before it."""
    if len(seen) == _section_count(page.html):
        return
    written = _section_ids(page.html)
    present = set(seen)
    page.lost = frozenset(i for i in written if i not in present)
    by_id = {s_.id: s_ for s_ in sections if s_.id}
    last = None
    for section_id in written:
        if section_id in present:
            last = section_id
        elif last in by_id:
            by_id[last].lost.append(section_id)


def _section_ids(html: Path) -> list[str]:
    # The page is ASCII (builder/render/deck.py): an id of other letters is written with references.
    return [unescape(i) for i in _SECTION_ID_RE.findall(html.read_text("utf-8", errors="replace"))]


def _section_count(html: Path) -> int:
    return html.read_bytes().count(b'<section class="slide')


def _first_named(chunk: _Chunk) -> dict[str, Slide]:
    """The first shown slide with each `name:`, in deck order (the one that keeps the anchor)."""
    first: dict[str, Slide] = {}
    order: dict[int, Slide] = {}
    for slide, _k in chunk.sources.values():  # in deck order
        order.setdefault(id(slide), slide)
    for slide in order.values():
        if slide.name and not _excluded(slide, chunk.page.deck):
            first.setdefault(slide.name, slide)
    return first


def _excluded(slide: Slide, deck: Deck) -> bool:
    return slide.hidden or bool(set(deck.exclude) & set(slide.classes))


def _group(sections: Iterable[Section], sources: dict[str, tuple[Slide, int]]) -> list[ShownSlide]:
    """Consecutive sections of one authored slide (its `--` steps) make one ShownSlide."""
    shown: list[ShownSlide] = []
    for section in sections:
        slide = sources.get(section.source or "", (None, 0))[0]
        if slide is not None and shown and shown[-1].slide is slide:
            shown[-1].sections.append(section)
        else:
            shown.append(ShownSlide(slide, [section]))
    return shown


def _run_checks(chunk: _Chunk, sections: list[Section]) -> tuple[list[Diagnostic], list[Problem]]:
    diagnostics: list[Diagnostic] = []
    problems: list[Problem] = []
    for shown in _group(sections, chunk.sources):
        found = list(checks.run("page", shown, chunk.page))
        if not found:
            continue
        diagnostics.extend(found)
        lines = {d.line for d in found}
        section = next((s for s in shown.sections if shown.section_line(s) in lines), shown.sections[-1])
        key = section.source or f"#{section.index + 1}"
        problems.append(Problem(key, section.index, unique(found)))
    return diagnostics, problems


async def _thumbnail(tab, index: int) -> bytes:
    """The slide as the room sees it, small: the deck scaled into a 480x270 window."""
    if tab.viewport_size != THUMB:
        await tab.set_viewport_size(THUMB)
        # the deck rescales on resize: a picture taken in between shows old and new layouts
        await tab.evaluate("""() => new Promise(done =>
            requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50))))""")
    await tab.evaluate("""n => new Promise(done => {
        const shown = () => requestAnimationFrame(() => requestAnimationFrame(done));
        if (location.hash === '#' + n) { shown(); return; }
        addEventListener('hashchange', shown, {once: true});
        location.hash = '#' + n;
    })""", index + 1)
    return await tab.screenshot(type="jpeg", quality=70)


def _language_dedup(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """A measure that came out the same in a translated deck is said once, without its
    language: `... [fr]` beside `...`, or `... [deck, fr]` beside `... [deck]`."""
    said = {(d.path, d.line, d.message) for d in diagnostics}
    kept = []
    for d in diagnostics:
        base, _, tag = d.message.rpartition(" [")
        if tag.endswith("]"):
            where = tag[:-1].split(", ")
            if len(where[-1]) == 2:  # the language comes last (Page.tag)
                rest = ", ".join(where[:-1])
                if (d.path, d.line, f"{base} [{rest}]" if rest else base) in said:
                    continue
        kept.append(d)
    return kept
