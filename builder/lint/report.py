"""The lint report as one HTML page: each problem slide pictured, with its findings, linked to
that slide in each language's deck.

Self-contained like the decks (thumbnails inline as JPEG data, no script, no request), so it
can be opened from disk, attached to a CI run, or published beside the decks.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jinja2

from builder.diagnostics import Diagnostic, counts, strict, summary
from builder.files import write_atomic
from builder.lint.run import LintResult
from builder.templates import environment


@dataclass(slots=True)
class _Entry:
    key: str
    index: int
    thumbnail: str = ""  # data: URL
    links: list[tuple[str, str]] = field(default_factory=list)  # (language, href)
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass(slots=True)
class _Deck:
    stem: str
    title: str
    entries: list[_Entry] = field(default_factory=list)

    @property
    def pictured(self) -> list[_Entry]:
        """Slides with something to fix, each shown as the room sees it."""
        return [e for e in self.entries if any(d.severity != "note" for d in e.diagnostics)]

    @property
    def notes(self) -> list[_Entry]:
        return [e for e in self.entries if all(d.severity == "note" for d in e.diagnostics)]


def write_report(path: Path, result: LintResult, strict_mode: bool = False) -> Path:
    """Write the report to `path` (atomically), with the findings as the command reports them
    (`--strict` applied), so that the page and the exit status agree."""
    path = path.resolve()
    found = strict(result.diagnostics, strict_mode)
    reported = set(found)
    decks: dict[str, _Deck] = {}
    for page in result.pages:
        deck = decks.setdefault(page.deck.stem, _Deck(page.deck.stem, " ".join(page.deck.title.split())))
        href = os.path.relpath(page.html, path.parent).replace(os.sep, "/")
        entries = {e.key: e for e in deck.entries}
        for problem in page.problems:
            entry = entries.get(problem.key)
            if entry is None:
                entry = entries[problem.key] = _Entry(problem.key, problem.index)
                deck.entries.append(entry)
            entry.links.append((page.lang, f"{href}#{problem.index + 1}"))
            if problem.thumbnail and not entry.thumbnail:
                entry.thumbnail = "data:image/jpeg;base64," + base64.b64encode(problem.thumbnail).decode()
            for d in strict(problem.diagnostics, strict_mode):
                if d in reported and d not in entry.diagnostics:
                    entry.diagnostics.append(d)
    for deck in decks.values():
        deck.entries = sorted((e for e in deck.entries if e.diagnostics), key=lambda e: e.index)
    attached = {d for deck in decks.values() for e in deck.entries for d in e.diagnostics}
    by_check: dict[str, int] = {}
    for d in found:
        by_check[d.check or "build"] = by_check.get(d.check or "build", 0) + 1
    html = _template().render(
        by_check=sorted(by_check.items(), key=lambda kv: (-kv[1], kv[0])),
        decks=[d for d in decks.values() if d.entries],
        loose=[d for d in found if d not in attached],
        result=result, summary=summary(found), counts=counts(found), strict=strict_mode,
        when=datetime.now().strftime("%Y-%m-%d %H:%M"),
    )
    write_atomic(path, html)
    return path


def _template() -> jinja2.Template:
    return environment("builder.lint").get_template("report.html.j2")

