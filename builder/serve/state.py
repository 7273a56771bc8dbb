"""What the dev server keeps between rebuilds: every deck, compiled chapter and rendered
fragment, and which file feeds which chapter and deck, so that a save rebuilds only what it
touches.

A chapter save re-parses and re-renders that chapter alone, then reassembles the decks (and
languages) that use it; a manifest save reloads that deck; a template or stylesheet save
rebuilds everything. As with `coursekit build`, an error stops only what it breaks: a deck
with an error keeps its last good output on disk while the others are rewritten.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from builder.config import Settings, load_settings
from builder.course import (
    ChapterJob,
    Compiled,
    compile_chapter,
    compile_chapters,
    copy_pictures,
    load_decks,
    no_cyclic_gc,
    pictures,
)
from builder.course.decks import Decks
from builder.course.translations import catalog_source
from builder.diagnostics import CourseError, CourseErrors, Diagnostic, unique
from builder.files import write_atomic
from builder.manifest import read_manifest, relpath
from builder.model import Chapter, Deck
from builder.render import deck as deck_render
from builder.render import diagrams
from builder.render.html import RenderedChapter
from builder.render.pages import deck_files, has_diagrams, render_languages

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = (PACKAGE / "render" / "templates", PACKAGE / "render" / "static")


@dataclass(slots=True)
class Outcome:
    """One rebuild, as the terminal line and the pages' event describe it."""

    decks: list[str] = field(default_factory=list)  # URL paths: /en/kube-consul.html
    chapters: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # what is wrong now
    seconds: float = 0.0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


class Workspace:
    def __init__(self, repo: Path, out: Path, langs: tuple[str, ...] = ("en",),
                 manifests: list[Path] | None = None) -> None:
        self.repo = repo.resolve()
        self.out = out.resolve()
        self.langs = langs
        self.only = [m.resolve() for m in manifests] if manifests else None
        self.settings: Settings = load_settings(self.repo)
        self.found = Decks()  # the decks and their manifests' findings
        self.decks: dict[str, Deck] = {}  # manifest path (repo-relative) -> deck
        self.compiled: dict[tuple[str, int], Compiled] = {}
        self.rendered: dict[tuple[str, int], dict[str, RenderedChapter | Diagnostic]] = {}
        self.diagnostics: list[Diagnostic] = []  # what is wrong right now
        self._failure: list[Diagnostic] = []  # a rebuild that could not run at all
        # Work a failed rebuild left undone: retried by the next one, whatever it was about.
        self._dirty_manifests: set[str] = set()
        self._dirty_chapters: set[tuple[str, int]] = set()  # re-parse, re-render every language
        self._dirty_langs: dict[tuple[str, int], set[str]] = {}  # re-render these languages only
        self._unwritten: dict[str, set[str]] = {}  # deck path -> languages to write
        self._everything = True
        self.parallel = False  # may fork worker processes (only while no other thread runs)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def chapters(self) -> dict[tuple[str, int], Chapter]:
        return {k: c.chapter for k, c in self.compiled.items() if c.chapter is not None}

    # -- what depends on what ----------------------------------------------------------------

    def _uses(self, deck: Deck) -> set[tuple[str, int]]:
        return {e.key for e in deck.entries}

    def sources(self) -> set[str]:
        """Every repo-relative file the decks read: what the watcher must care about."""
        files = set(self.decks)
        for chapter in self.chapters.values():
            files.add(chapter.path)
            files.update(chapter.includes)
            files.update(f"slides/{rel}" for rel in pictures(chapter))
        return files

    # -- rebuilds ----------------------------------------------------------------------------

    def full(self) -> Outcome:
        deck_render.reload()
        self.compiled.clear()
        self.rendered.clear()
        return self._rebuild(manifests=None, files=set(), everything=True)

    def changed(self, paths: set[Path]) -> Outcome:
        """Rebuild what `paths` (absolute, as the watcher saw them) feed; nothing else."""
        rel = {relpath(p, self.repo) for p in paths}
        if any(p.resolve().is_relative_to(d) for p in paths for d in TEMPLATE_DIRS):
            return self.full()
        # A catalog changes one language of what it translates: only that language is redone.
        for source, lang in (catalog_source(r) for r in rel):
            if source is None or lang not in self.langs:
                continue
            for key, _compiled in self.compiled.items():
                if key[0] == source:
                    self._dirty_langs.setdefault(key, set()).add(lang)
            if source in self.decks:  # the deck's title
                self._unwritten.setdefault(source, set()).add(lang)
        rel = {r for r in rel if catalog_source(r)[0] is None}
        manifests = {r for r in rel if r.startswith("slides/") and r.count("/") == 1
                     and r.endswith((".yml", ".yaml"))}
        # A picture that appears or goes changes what its slides' checks say.
        pictures_changed = {r.removeprefix("slides/") for r in rel if r.startswith("slides/")}
        self._dirty_chapters |= {key for key, c in self.compiled.items() if c.chapter is not None
                                 and pictures(c.chapter) & pictures_changed}
        return self._rebuild(manifests=manifests, files=rel - manifests, everything=False)

    def _rebuild(self, manifests: set[str] | None, files: set[str], everything: bool) -> Outcome:
        started = time.perf_counter()
        outcome = Outcome()
        self._everything |= everything
        self._dirty_manifests |= manifests or set()
        self._dirty_chapters |= {key for key, c in self.compiled.items()
                                 if key[0] in files or (c.chapter is not None
                                                        and files & set(c.chapter.includes))}
        self._dirty_chapters |= {key for key, c in self.compiled.items() if c.chapter is None}
        with no_cyclic_gc():
            try:
                self._failure = []
                for path in self._reload_decks():
                    self._unwritten[path] = set(self.langs)
                self._compile_dirty(outcome)
                todo = {p: langs for p, langs in self._unwritten.items() if p in self.decks}
                written = self._write(todo, outcome)
                self._copy_pictures([self.decks[p] for p in written], files, self._everything)
                self._unwritten = {p: langs for p, langs in self._unwritten.items()
                                   if p in self.decks and p not in written}
                self._everything = False
            except CourseErrors as exc:
                self._failure = [e.diagnostic for e in exc.errors]
            except CourseError as exc:
                self._failure = [exc.diagnostic]
        self.diagnostics = self._current()
        outcome.diagnostics = list(self.diagnostics)
        outcome.seconds = time.perf_counter() - started
        return outcome

    def _compile_dirty(self, outcome: Outcome) -> None:
        wanted = {e.key: e for d in self.decks.values() for e in d.entries}
        for key in list(self.compiled):
            if key not in wanted:  # no deck lists it any more
                self.compiled.pop(key)
                self.rendered.pop(key, None)
        self._dirty_chapters |= {k for k in wanted if k not in self.compiled}
        render = partial(render_languages, langs=self.langs)
        if self.parallel and len(self._dirty_chapters) > 1:
            # the first build, before any thread runs: safe to fork workers
            entries = [wanted[k] for k in self._dirty_chapters if k in wanted]
            for key, compiled in compile_chapters(self.repo, entries, self.settings, render).items():
                self._keep(key, compiled)
            self._dirty_chapters.clear()
            for path in self.decks:
                self._unwritten[path] = set(self.langs)
        redo = {k: set(self.langs) for k in self._dirty_chapters & set(wanted)}
        for key, langs in self._dirty_langs.items():
            if key in wanted:
                redo.setdefault(key, set()).update(langs)
        for key in sorted(redo):
            langs = tuple(lang for lang in self.langs if lang in redo[key])
            job = ChapterJob.of(wanted[key])
            self._keep(key, compile_chapter(self.repo, job, self.settings,
                                            partial(render_languages, langs=langs)))
            outcome.chapters.append(key[0])
            for path, deck in self.decks.items():
                if key in self._uses(deck):
                    self._unwritten.setdefault(path, set()).update(redo[key])
        self._dirty_chapters.clear()
        self._dirty_langs.clear()

    def _keep(self, key: tuple[str, int], compiled: Compiled) -> None:
        """A chapter compiled again: its languages just rendered replace the old ones."""
        self.compiled[key] = compiled
        self.rendered.setdefault(key, {}).update(compiled.result or {})
        if not compiled.ok:
            self.rendered.pop(key, None)

    def _current(self) -> list[Diagnostic]:
        """Everything wrong right now: manifests, chapters, translations."""
        found = list(self.found.diagnostics) + list(self._failure)
        for key, compiled in self.compiled.items():
            found.extend(compiled.diagnostics)
            found.extend(r for r in self.rendered.get(key, {}).values() if isinstance(r, Diagnostic))
        return unique(found)

    def _deck_errors(self, deck: Deck, lang: str) -> list[Diagnostic]:
        errors = [d for d in self.found.errors_of(deck)]
        for key in self._uses(deck):
            compiled = self.compiled.get(key)
            if compiled is None:
                continue
            errors.extend(d for d in compiled.diagnostics if d.is_error)
            result = self.rendered.get(key, {}).get(lang)
            if isinstance(result, Diagnostic):
                errors.append(result)
        return errors

    def _reload_decks(self) -> set[str]:
        if self._everything or not self.decks:
            self.found = load_decks(self.repo, self.only, self.settings.shared_folders)
            self.decks = {d.path: d for d in self.found.decks}
            self._dirty_manifests.clear()
            return set(self.decks)
        touched = set()
        for path in sorted(self._dirty_manifests):
            file = self.repo / path
            if self.only is not None and file.resolve() not in self.only:
                self._dirty_manifests.discard(path)
                continue
            self.found.diagnostics = [d for d in self.found.diagnostics if d.path != path]
            self.found.broken.pop(path, None)
            self.decks.pop(path, None)
            if file.exists():
                read = read_manifest(file, self.repo, self.settings.shared_folders)
                if read.not_a_deck is None or read.errors:
                    self.found.diagnostics.extend(read.diagnostics)
                    if read.errors:
                        self.found.broken[path] = read.errors
                    if read.deck is not None:
                        self.decks[path] = read.deck
            self.found.decks = list(self.decks.values())
            self._dirty_manifests.discard(path)
            touched.add(path)
        return touched

    def _write(self, todo: dict[str, set[str]], outcome: Outcome) -> set[str]:
        """Assemble the decks to write, then write them; a deck with an error keeps its last
        good output. Returns the decks written."""
        pending = []
        written = set()
        chapters = self.chapters
        rendered_by_lang = {lang: {k: v[lang] for k, v in self.rendered.items()
                                   if isinstance(v.get(lang), RenderedChapter)}
                            for lang in self.langs}
        for path in sorted(todo):
            deck = self.decks[path]
            for lang in (lang for lang in self.langs if lang in todo[path]):
                if self._deck_errors(deck, lang):
                    continue
                try:
                    files = deck_files(self.repo, deck, chapters, rendered_by_lang[lang], lang,
                                       self.langs)
                except CourseError as exc:
                    self._failure.append(exc.diagnostic)
                    continue
                written.add(path)
                for name, text in files:
                    pending.append((self.out / lang / name, text, f"/{lang}/{name}"))
        for path, text, url in pending:  # all assembled: only now does the build folder change
            write_atomic(path, text)
            if url.endswith(".html") and not url.endswith("-outline.html"):
                outcome.decks.append(url)
        return written

    def _copy_pictures(self, decks: list[Deck], files: set[str], everything: bool) -> None:
        chapters = self.chapters
        changed = {f.removeprefix("slides/") for f in files if f.startswith("slides/")}
        for deck in decks:
            used = [chapters[e.key] for e in deck.entries if e.key in chapters]
            if everything:
                copy_pictures(self.repo, self.out, used, self.langs, shared=self.settings.shared_folders)
            else:
                copy_pictures(self.repo, self.out, [c for c in used if c.path in files], self.langs,
                              shared=self.settings.shared_folders)
                copy_pictures(self.repo, self.out, used, self.langs, only=changed,
                              shared=self.settings.shared_folders)
        if any(has_diagrams(r) for by_lang in self.rendered.values() for r in by_lang.values()
               if isinstance(r, RenderedChapter)):
            for lang in self.langs:  # mermaid's browser build, beside decks that draw diagrams
                diagrams.install(self.out / lang)

