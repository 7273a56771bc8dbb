"""Which decks a command works on, each loaded with every mistake of its manifest.

With no manifest named, the decks are the `slides/*.yml` (and `*.yaml`) files, as a course's
own build script has it; a YAML file there that is no deck (an events list, a compose file for
the course's own tooling) is skipped with a note. Naming such a file is an error. A manifest
with errors does not stop the others: its findings stay with it, and the deck (without its
broken entries) is still there for commands that list or check chapters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from builder.diagnostics import Diagnostic, error, note
from builder.manifest import forget_resolved, read_manifest, relpath
from builder.model import Deck


@dataclass(slots=True)
class Decks:
    decks: list[Deck] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # every manifest's findings
    broken: dict[str, list[Diagnostic]] = field(default_factory=dict)  # deck path -> its errors
    skipped: list[str] = field(default_factory=list)  # files of slides/ that are no deck

    def errors_of(self, deck: Deck) -> list[Diagnostic]:
        return self.broken.get(deck.path, [])


def find_manifests(repo: Path) -> list[Path]:
    """The candidate deck manifests of a course: `slides/*.yml`, then `slides/*.yaml`."""
    slides = repo / "slides"
    return sorted(slides.glob("*.yml")) + sorted(slides.glob("*.yaml"))


def load_decks(repo: Path, manifests: list[Path] | None = None, shared: tuple[str, ...] = ()) -> Decks:
    """The decks named (each must be one), or every deck in `slides/` when `manifests` is None;
    `shared`: the folders outside the repository that the settings let chapters come from."""
    repo = repo.resolve()
    forget_resolved()
    named = manifests is not None
    paths = list(manifests) if named else find_manifests(repo)
    found = Decks()
    for path in paths:
        read = read_manifest(path, repo, shared)
        if read.not_a_deck is not None and not read.errors:
            if named:
                found.diagnostics.append(read.not_a_deck)
                found.broken[read.path] = [read.not_a_deck]
            else:
                found.skipped.append(read.path)
                found.diagnostics.append(note(read.path, 1, f"skipped: not a deck manifest "
                                              f"({read.not_a_deck.message})"))
            continue
        found.diagnostics.extend(read.diagnostics)
        if read.errors:
            found.broken[read.path] = read.errors
        if read.deck is not None:
            found.decks.append(read.deck)
    if not named and not found.decks and not found.broken:
        if found.skipped:  # the YAML files there are no decks: say so at the first of them
            where, line = found.skipped[0], 1
            message = (f"no deck manifests found: the {len(found.skipped)} YAML file(s) of slides/ "
                       "are no decks (a deck is a mapping with a `content` list)")
        else:  # a folder has no line to point at
            where, line = relpath(repo / "slides", repo), None
            message = "no deck manifests found (expected slides/*.yml)"
        found.diagnostics.append(error(where, line, message))
        found.broken[where] = found.diagnostics[-1:]
    return found
