"""Which chapters a lab command works on: deck manifests, chapter files, or the whole course."""

from __future__ import annotations

from pathlib import Path

from builder.build import compile_chapters, find_manifests, load_decks
from builder.diagnostics import CourseError
from builder.manifest import relpath
from builder.model import Chapter, Deck, Entry


def resolve(repo: Path, targets: list[Path], jobs: int | None = None
            ) -> tuple[list[Deck], list[Chapter]]:
    """Decks named (or all of them when no target is given) and their chapters, each once,
    in deck order; chapter files given directly come after, even outside the repository."""
    repo = repo.resolve()
    manifests = [t for t in targets if t.suffix in (".yml", ".yaml")]
    files = [t for t in targets if t.suffix not in (".yml", ".yaml")]
    for t in targets:
        if not t.exists():
            raise CourseError(str(t), None, "no such deck manifest or chapter file")
    if not targets:
        manifests = find_manifests(repo)
    decks = load_decks(repo, manifests) if manifests else []
    entries: list[Entry] = [e for d in decks for e in d.entries]
    for f in files:
        inside = f.resolve().is_relative_to(repo)
        entries.append(Entry(path=relpath(f, repo) if inside else str(f.resolve()), line=1))
    chapters, _ = compile_chapters(repo, entries, (), jobs)
    ordered = list(dict.fromkeys(e.key for e in entries))
    return decks, [chapters[k] for k in ordered]

