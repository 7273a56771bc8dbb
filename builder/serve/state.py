"""What the dev server keeps between rebuilds: every deck, chapter and rendered fragment, and
which file feeds which chapter and deck, so that a save rebuilds only what it touches.

A chapter save re-parses and re-renders that chapter alone, then reassembles the decks (and
languages) that use it; a manifest save reloads that deck; a template or stylesheet save
rebuilds everything. The last good output stays on disk whenever a rebuild fails.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from builder.build import (
    _Job,
    _no_cyclic_gc,
    compile_chapter,
    compile_chapters,
    deck_files,
    find_manifests,
    load_decks,
)
from builder.diagnostics import CourseError, CourseErrors
from builder.files import copy_atomic, write_atomic
from builder.i18n.catalog import LOCALE_DIR
from builder.manifest import load_manifest, relpath
from builder.model import Chapter, Deck, Entry
from builder.render import deck as deck_render
from builder.render import diagrams
from builder.render.html import RenderedChapter

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = (PACKAGE / "render" / "templates", PACKAGE / "render" / "static")


@dataclass(slots=True)
class Outcome:
    """One rebuild, as the terminal line and the pages' event describe it."""

    decks: list[str] = field(default_factory=list)  # URL paths: /en/kube-consul.html
    chapters: list[str] = field(default_factory=list)
    errors: list[CourseError] = field(default_factory=list)
    seconds: float = 0.0

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
        self.decks: dict[str, Deck] = {}  # manifest path (repo-relative) -> deck
        self.chapters: dict[tuple[str, int], Chapter] = {}
        self.rendered: dict[tuple[str, int], dict[str, RenderedChapter]] = {}
        self.errors: list[CourseError] = []  # what is wrong right now (empty when all is well)
        # Work a failed rebuild left undone: retried by the next one, whatever it was about.
        self._dirty_manifests: set[str] = set()
        self._dirty_chapters: set[tuple[str, int]] = set()  # re-parse, re-render every language
        self._dirty_langs: dict[tuple[str, int], set[str]] = {}  # re-render these languages only
        self._unwritten: dict[str, set[str]] = {}  # deck path -> languages to write
        self._everything = True
        self.parallel = False  # may fork worker processes (only while no other thread runs)

    # -- what depends on what ----------------------------------------------------------------

    def _manifests(self) -> list[Path]:
        return self.only or find_manifests(self.repo)

    def _uses(self, deck: Deck) -> set[tuple[str, int]]:
        return {e.key for e in deck.entries}

    def sources(self) -> set[str]:
        """Every repo-relative file the decks read: what the watcher must care about."""
        files = set(self.decks)
        for chapter in self.chapters.values():
            files.add(chapter.path)
            files.update(chapter.includes)
            for slide in chapter.slides:
                for src, _, _ in slide.images:
                    files.add(f"slides/{src}")
        return files

    # -- rebuilds ----------------------------------------------------------------------------

    def full(self) -> Outcome:
        deck_render._template.cache_clear()
        deck_render._static.cache_clear()
        deck_render._generated.cache_clear()
        self.chapters.clear()
        self.rendered.clear()
        return self._rebuild(manifests=None, files=set(), everything=True)

    def changed(self, paths: set[Path]) -> Outcome:
        """Rebuild what `paths` (absolute, as the watcher saw them) feed; nothing else."""
        rel = {relpath(p, self.repo) for p in paths}
        if any(p.resolve().is_relative_to(d) for p in paths for d in TEMPLATE_DIRS):
            return self.full()
        # A catalog changes one language of what it translates: only that language is redone.
        for source, lang in (_catalog_of(r) for r in rel):
            if source is None or lang not in self.langs:
                continue
            for key, chapter in self.chapters.items():
                if chapter.path == source:
                    self._dirty_langs.setdefault(key, set()).add(lang)
            if source in self.decks:  # the deck's title
                self._unwritten.setdefault(source, set()).add(lang)
        rel = {r for r in rel if _catalog_of(r)[0] is None}
        manifests = {r for r in rel if r.startswith("slides/") and r.count("/") == 1
                     and r.endswith((".yml", ".yaml"))}
        return self._rebuild(manifests=manifests, files=rel - manifests, everything=False)

    def _rebuild(self, manifests: set[str] | None, files: set[str], everything: bool) -> Outcome:
        started = time.perf_counter()
        outcome = Outcome()
        self._everything |= everything
        self._dirty_manifests |= manifests or set()
        self._dirty_chapters |= {key for key, ch in self.chapters.items()
                                 if ch.path in files or files & set(ch.includes)}
        with _no_cyclic_gc():
            try:
                for path in self._reload_decks():
                    self._unwritten[path] = set(self.langs)
                wanted = {e.key: e for d in self.decks.values() for e in d.entries}
                for key in list(self.chapters):
                    if key not in wanted:  # no deck lists it any more
                        self.chapters.pop(key)
                        self.rendered.pop(key, None)
                self._dirty_chapters |= {k for k in wanted if k not in self.chapters}
                if self.parallel and len(self._dirty_chapters) > 1:
                    # the first build, before any thread runs: safe to fork workers
                    entries = [wanted[k] for k in self._dirty_chapters if k in wanted]
                    chapters, rendered = compile_chapters(self.repo, entries, self.langs)
                    for key, chapter in chapters.items():
                        self.chapters[key] = chapter
                        self.rendered[key] = {lang: rendered[lang][key] for lang in self.langs}
                    self._dirty_chapters -= set(chapters)
                    for path in self.decks:
                        self._unwritten[path] = set(self.langs)
                redo = {k: set(self.langs) for k in self._dirty_chapters & set(wanted)}
                for key, langs in self._dirty_langs.items():
                    if key in wanted:
                        redo.setdefault(key, set()).update(langs)
                for key in sorted(redo):
                    self._compile(wanted[key], tuple(lang for lang in self.langs if lang in redo[key]))
                    outcome.chapters.append(key[0])
                    self._dirty_chapters.discard(key)
                    self._dirty_langs.pop(key, None)
                    for path, deck in self.decks.items():
                        if key in self._uses(deck):
                            self._unwritten.setdefault(path, set()).update(redo[key])
                self._dirty_chapters.clear()
                self._dirty_langs.clear()
                todo = {p: langs for p, langs in self._unwritten.items() if p in self.decks}
                self._write(todo, outcome)
                self._copy_images([self.decks[p] for p in todo], files, self._everything)
                self._unwritten.clear()
                self._everything = False
                self.errors = []
            except CourseErrors as exc:
                self.errors = list(exc.errors)
            except CourseError as exc:
                self.errors = [exc]
        outcome.errors = list(self.errors)
        outcome.seconds = time.perf_counter() - started
        return outcome

    def _reload_decks(self) -> set[str]:
        if self._everything or not self.decks:
            decks = load_decks(self.repo, self._manifests())
            self.decks = {d.path: d for d in decks}
            self._dirty_manifests.clear()
            return set(self.decks)
        touched = set()
        for path in sorted(self._dirty_manifests):
            file = self.repo / path
            if self.only is not None and file.resolve() not in self.only:
                self._dirty_manifests.discard(path)
                continue
            if file.exists():
                self.decks[path] = load_manifest(file, self.repo)
            else:
                self.decks.pop(path, None)
            self._dirty_manifests.discard(path)
            touched.add(path)
        return touched

    def _compile(self, entry: Entry, langs: tuple[str, ...]) -> None:
        line = entry.inline_line if entry.inline is not None else 1
        chapter, rendered = compile_chapter(self.repo, _Job(entry.path, line, entry.inline), langs)
        self.chapters[entry.key] = chapter
        self.rendered.setdefault(entry.key, {}).update(rendered)

    def _write(self, todo: dict[str, set[str]], outcome: Outcome) -> None:
        pending = []
        for path in sorted(todo):
            deck = self.decks[path]
            for lang in (lang for lang in self.langs if lang in todo[path]):
                rendered = {k: v[lang] for k, v in self.rendered.items()}
                for name, text in deck_files(self.repo, deck, self.chapters, rendered, lang,
                                             self.langs):
                    pending.append((self.out / lang / name, text, f"/{lang}/{name}"))
        for path, text, url in pending:  # all assembled: only now does the build folder change
            write_atomic(path, text)
            if url.endswith(".html") and not url.endswith("-outline.html"):
                outcome.decks.append(url)

    def _copy_images(self, decks: list[Deck], files: set[str], everything: bool) -> None:
        from builder.build import _local_image

        for deck in decks:
            for entry in deck.entries:
                for slide in self.chapters[entry.key].slides:
                    for src, _, _ in slide.images:
                        rel = _local_image(src)
                        if rel is None or not (everything or f"slides/{rel}" in files
                                                or entry.path in files):
                            continue
                        source = self.repo / "slides" / rel
                        if source.is_file():
                            for lang in self.langs:
                                copy_atomic(source, self.out / lang / rel)
        if any(s.diagrams for r in self.rendered.values() for s in r[self.langs[0]].slides):
            for lang in self.langs:  # mermaid's browser build, beside decks that draw diagrams
                diagrams.install(self.out / lang)


def _catalog_of(rel: str) -> tuple[str | None, str]:
    """(the chapter or manifest a translation catalog translates, its language), or (None, "")."""
    prefix = LOCALE_DIR + "/"
    if not (rel.startswith(prefix) and rel.endswith(".po")) or rel.count("/") < 3:
        return None, ""
    lang, name = rel[len(prefix):].split("/", 1)
    name = name[: -len(".po")]
    return (f"slides/{name}" if name.endswith((".yml", ".yaml")) else f"slides/{name}.md"), lang

