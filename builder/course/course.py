"""A course as every command sees it: its decks, their chapters compiled once, their findings.

Build, serve, `labs` and `i18n` all start here. An error stops only what it breaks: a manifest
with a missing chapter keeps its other chapters, a chapter that cannot be read is one error
and every other chapter is there, and `failures` says which decks cannot be written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from builder.cachefiles import cache_root
from builder.config import Settings, load_settings
from builder.course.cache import ChapterCache, digest, environment
from builder.course.chapters import ChapterJob, Compiled, Then, compile_chapters
from builder.course.decks import Decks, load_decks
from builder.diagnostics import Diagnostic, strict, unique
from builder.model import Chapter, Deck, Entry


@dataclass(slots=True)
class Course:
    repo: Path
    settings: Settings
    decks: Decks
    compiled: dict[tuple[str, int], Compiled] = field(default_factory=dict)

    @property
    def chapters(self) -> dict[tuple[str, int], Chapter]:
        """The chapters that could be read, by `Entry.key`."""
        return {k: c.chapter for k, c in self.compiled.items() if c.chapter is not None}

    def chapter_diagnostics(self, deck: Deck) -> list[Diagnostic]:
        return [d for key in dict.fromkeys(e.key for e in deck.entries)
                if key in self.compiled for d in self.compiled[key].diagnostics]

    def deck_diagnostics(self, deck: Deck, is_strict: bool = False) -> list[Diagnostic]:
        """Everything wrong with one deck: its manifest's findings and its chapters'."""
        own = [d for d in self.decks.diagnostics if d.path == deck.path]
        return strict(unique(own + self.chapter_diagnostics(deck)), is_strict)

    def diagnostics(self, is_strict: bool = False) -> list[Diagnostic]:
        """Every finding of the course, each once, in path order (`--strict` applied)."""
        found = list(self.decks.diagnostics)
        for compiled in self.compiled.values():
            found.extend(compiled.diagnostics)
        return strict(unique(found), is_strict)

    def failures(self, is_strict: bool = False) -> dict[str, list[Diagnostic]]:
        """Deck path -> the errors that keep it from being written (decks with none are absent);
        manifests that gave no deck at all are there too."""
        failed = {path: list(errors) for path, errors in self.decks.broken.items()}
        for deck in self.decks.decks:
            errors = [d for d in self.deck_diagnostics(deck, is_strict) if d.is_error]
            if errors:
                failed[deck.path] = errors
        return failed

    @property
    def entries(self) -> list[Entry]:
        return [e for d in self.decks.decks for e in d.entries]


def load_course(repo: Path, manifests: list[Path] | None = None, then: Then | None = None,
                jobs: int | None = None, extra: list[Entry] | None = None,
                settings: Settings | None = None, cache: bool = False) -> Course:
    """Decks named (or all of them), and every chapter they use compiled once; `then` runs on
    each parsed chapter in its worker (rendering, message extraction). `extra` entries
    (chapter files named directly) are compiled too. `cache` (with no `then`): chapters whose
    files are as they were come whole from the model cache instead (see `models_cache`)."""
    repo = repo.resolve()
    settings = settings or load_settings(repo)
    decks = load_decks(repo, manifests, settings.shared_folders)
    course = Course(repo, settings, decks)
    entries = course.entries + list(extra or [])
    if cache and then is None:
        course.compiled = compile_cached(repo, entries, settings, jobs, models_cache(repo, settings))
    else:
        course.compiled = compile_chapters(repo, entries, settings, then, jobs)
    return course


def models_cache(repo: Path, settings: Settings) -> ChapterCache:
    """Whole compiled chapters, labs and code included, for the commands that read the model
    (`labs list`, `labs check`): beside the build's cache, in a folder of its own, since its
    entries keep more and its environment differs."""
    from builder.model import CodeBlock, Lab, Step

    repo = repo.resolve()
    return ChapterCache(repo, environment("model", repr(settings)), "model",
                        classes=lambda: (Lab, Step, CodeBlock),
                        folder=cache_root() / f"{digest(str(repo))[:24]}-model",
                        kept=lambda chapter: chapter, shared=settings.shared_folders)


def compile_cached(repo: Path, entries: list[Entry], settings: Settings, jobs: int | None,
                   store: ChapterCache) -> dict[tuple[str, int], Compiled]:
    """`compile_chapters`, with the chapters whose files (and pictures' state) are as they were
    taken from `store` instead of parsed again; the fresh ones are stored."""
    unique: dict[tuple[str, int], Entry] = {}
    for entry in entries:
        unique.setdefault(entry.key, entry)
    found: dict[tuple[str, int], Compiled] = {}
    missing: list[Entry] = []
    for key, entry in unique.items():
        job = ChapterJob.of(entry)
        if os.path.isabs(entry.path):
            missing.append(entry)  # a file named on the command line, outside: never kept
            continue
        record = store.lookup(job)
        loaded = store.load(job, record) if record is not None else None
        if loaded is None or record is None:
            missing.append(entry)
            continue
        found[key] = Compiled(loaded[0], None, list(record.diagnostics))
    before = {e.key: store.digest_before(ChapterJob.of(e)) for e in missing
              if not os.path.isabs(e.path)}
    for key, compiled in compile_chapters(repo, missing, settings, None, jobs).items():
        if not os.path.isabs(key[0]):
            store.store(ChapterJob.of(unique[key]), compiled, None, before=before[key])
        found[key] = compiled
    if missing:
        store.save()
    return {key: found[key] for key in unique}
