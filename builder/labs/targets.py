"""Which chapters a lab command works on: deck manifests, chapter files, or the whole course.

A chapter that cannot be read, or a deck entry that names no file, is an error at its line;
every other chapter is still listed, checked or replayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from builder.course import load_course, no_cyclic_gc
from builder.diagnostics import Diagnostic, error
from builder.manifest import relpath
from builder.model import Chapter, Deck, Entry

# What parsing finds that concerns labs: a lab lost to an unclosed `]` or a misspelt macro name,
# a fence that swallows the rest of its slide. (Slide lints such as pictures are the build's.)
LAB_FINDINGS = frozenset({"unclosed-macro", "unclosed-fence", "lab-macro-typo"})


@dataclass(slots=True)
class Targets:
    decks: list[Deck] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)  # each once, in deck order
    diagnostics: list[Diagnostic] = field(default_factory=list)  # what could not be read

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


def resolve_targets(repo: Path, targets: list[Path], jobs: int | None = None,
                    cache: bool = True) -> Targets:
    """Decks named (or all of them when no target is given) and their chapters, each once,
    in deck order; chapter files given directly come after, even outside the repository."""
    repo = repo.resolve()
    found = Targets()
    manifests = [t for t in targets if t.suffix in (".yml", ".yaml")]
    files = [t for t in targets if t.suffix not in (".yml", ".yaml")]
    for t in targets:
        if not t.exists():
            found.diagnostics.append(error(str(t), None, "no such deck manifest or chapter file"))
    manifests = [t for t in manifests if t.exists()]
    extra: list[Entry] = []
    for f in files:
        if not f.exists():
            continue
        inside = f.resolve().is_relative_to(repo)
        extra.append(Entry(path=relpath(f, repo) if inside else str(f.resolve()), line=1))
    with no_cyclic_gc():  # as the build compiles: the parser's tokens are never cyclic
        course = load_course(repo, manifests if targets else None, jobs=jobs, extra=extra,
                             cache=cache)
    found.diagnostics.extend(course.decks.diagnostics)
    found.decks = course.decks.decks
    keys = [e.key for d in found.decks for e in d.entries] + [e.key for e in extra]
    for key in dict.fromkeys(keys):
        compiled = course.compiled[key]
        found.diagnostics.extend(d for d in compiled.diagnostics
                                 if d.is_error or d.check in LAB_FINDINGS)
        if compiled.chapter is not None:
            found.chapters.append(compiled.chapter)
    return found


def resolve(repo: Path, targets: list[Path], jobs: int | None = None
            ) -> tuple[list[Deck], list[Chapter]]:
    """`resolve_targets` for callers that only want what could be read."""
    found = resolve_targets(repo, targets, jobs)
    return found.decks, found.chapters
