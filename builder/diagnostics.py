"""One finding type for the whole course: every stage reports `path:line: message` the same way.

A `Diagnostic` is what a trainer must look at: an error (the deck, lab or manifest is broken),
a warning (remark shows it, but something is wrong) or a note (worth knowing, nothing to fix).
`CourseError` is the exception that carries one error diagnostic out of a stage that cannot go
on; `CourseErrors` carries several found in one pass. `--strict` maps warnings to errors in one
place (`strict`), and the three output formats (text, JSON, GitHub annotations) live here too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Literal, TextIO

Severity = Literal["error", "warning", "note"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "note")


@dataclass(frozen=True, slots=True)
class Location:
    """Another place a diagnostic concerns: the lab that applies a broken manifest, say."""

    path: str
    line: int | None
    message: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding at a file and 1-based line (None when it concerns a whole file or an option)."""

    path: str
    line: int | None
    severity: Severity
    message: str
    related: tuple[Location, ...] = ()
    check: str = ""  # the registered check that found it, for JSON output and filtering

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        label = "" if self.severity == "error" else f"{self.severity}: "
        return f"{where}: {label}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple[str, int, str]:
        return (self.path, self.line or 0, self.message)


def error(path: str, line: int | None, message: str, **kw) -> Diagnostic:
    return Diagnostic(path, line, "error", message, **kw)


def warning(path: str, line: int | None, message: str, **kw) -> Diagnostic:
    return Diagnostic(path, line, "warning", message, **kw)


def note(path: str, line: int | None, message: str, **kw) -> Diagnostic:
    return Diagnostic(path, line, "note", message, **kw)


class CourseError(Exception):
    """Something in the course source that stops a stage; carries where it is."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return str(self.diagnostic)

    @property
    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.path, self.line, "error", self.message)

    def __reduce__(self):  # keep path and line when errors cross process boundaries
        return (CourseError, (self.path, self.line, self.message))


class CourseErrors(Exception):
    """Several errors found in one pass: a trainer wants to see them all, not one per run."""

    def __init__(self, errors: list[CourseError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors

    def __reduce__(self):
        return (CourseErrors, (self.errors,))


def strict(diagnostics: Iterable[Diagnostic], enabled: bool = True) -> list[Diagnostic]:
    """`--strict`: every warning becomes an error. Notes stay notes; they ask for nothing."""
    if not enabled:
        return list(diagnostics)
    return [replace(d, severity="error") if d.severity == "warning" else d for d in diagnostics]


def counts(diagnostics: Iterable[Diagnostic]) -> dict[Severity, int]:
    found: dict[Severity, int] = {s: 0 for s in SEVERITIES}
    for d in diagnostics:
        found[d.severity] += 1
    return found


def summary(diagnostics: Iterable[Diagnostic]) -> str:
    """`2 errors, 1 warning, 0 notes`: the tail of every command's closing line."""
    c = counts(diagnostics)
    return ", ".join(f"{n} {s}{'' if n == 1 else 's'}" for s, n in c.items())


def unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by place, each finding once (a chapter shared by decks is checked once per deck)."""
    return sorted(dict.fromkeys(diagnostics), key=Diagnostic.sort_key)


def as_json(diagnostics: Iterable[Diagnostic]) -> str:
    rows = []
    for d in diagnostics:
        row = asdict(d)
        row["related"] = [asdict(r) for r in d.related]
        rows.append(row)
    return json.dumps(rows, indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(d: Diagnostic) -> str:
    """A workflow command, so the finding shows on the pull request's diff."""
    kind = {"error": "error", "warning": "warning", "note": "notice"}[d.severity]
    props = [f"file={_escape_property(d.path)}"]
    if d.line:
        props.append(f"line={d.line}")
    return f"::{kind} {','.join(props)}::{_escape_data(d.message)}"


def under_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def emit(diagnostics: Iterable[Diagnostic], stream: TextIO, fmt: str = "text",
         shown=str, annotate: bool | None = None) -> None:
    """Print findings: one line each (text), one JSON array, plus GitHub annotations for errors
    and warnings when running under GitHub Actions. `shown` renders a diagnostic's text line."""
    items = list(diagnostics)
    if fmt == "json":
        print(as_json(items), file=stream)
    else:
        for d in items:
            print(shown(d), file=stream)
    if annotate is None:
        annotate = under_github_actions()
    if annotate:
        for d in items:
            if d.severity != "note":
                print(github_annotation(d), file=stream)
