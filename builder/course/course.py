"""A course as every command sees it: its decks, their chapters compiled once, their findings.

Build, serve, `labs` and `i18n` all start here. An error stops only what it breaks: a manifest
with a missing chapter keeps its other chapters, a chapter that cannot be read is one error
and every other chapter is there, and `failures` says which decks cannot be written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from builder.config import Settings, load_settings
from builder.course.chapters import Compiled, Then, compile_chapters
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
                settings: Settings | None = None) -> Course:
    """Decks named (or all of them), and every chapter they use compiled once; `then` runs on
    each parsed chapter in its worker (rendering, message extraction). `extra` entries
    (chapter files named directly) are compiled too."""
    repo = repo.resolve()
    settings = settings or load_settings(repo)
    decks = load_decks(repo, manifests, settings.shared_folders)
    course = Course(repo, settings, decks)
    entries = course.entries + list(extra or [])
    course.compiled = compile_chapters(repo, entries, settings, then, jobs)
    return course
