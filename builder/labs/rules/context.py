"""What a manifest rule sees, and how it words a finding the way the API server does.

A rule gets the document (a plain dict, as YAML loaded it) and a `ManifestContext`: the file it
came from, a `line_of(field)` callable, and the target Kubernetes version. It yields
`Diagnostic`s built here, so every rule words its findings like `field.Error` in
k8s.io/apimachinery/pkg/util/validation/field/errors.go: `spec.replicas: Invalid value: -1:
must be greater than or equal to 0`. Rules stay pure: no file, no schema, no cluster.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from builder.diagnostics import Diagnostic, Location, Severity

Part = str | int


class Key(str):
    """A map key in a field path: the API server writes it `labels[app]`, not `labels.app`."""


Path = tuple[Part, ...]


def render(path: Iterable[Part]) -> str:
    """`("spec", "containers", 0, "name")` -> `spec.containers[0].name`, as the API server prints it."""
    out = ""
    for part in path:
        if isinstance(part, int | Key):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def show(value: object) -> str:
    """A value as Go's field errors print it: strings quoted, numbers bare."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{json.dumps(str(k))}:{json.dumps(v) if isinstance(v, str) else show(v)}"
                          for k, v in value.items())
        return f"map[string]string{{{inner}}}"
    if value is None:
        return "null"
    return json.dumps(value, default=str)


def version_key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


@dataclass(frozen=True, slots=True)
class ManifestContext:
    """Where a document is and what it targets; the only thing rules know besides the document."""

    path: str = "<manifest>"
    line_of: Callable[[Path], int | None] = lambda _path: None
    version: str = "1.37"
    head: str = ""  # "document 2 (Deployment web): ", put before every message
    tail: str = ""  # " (applied at slides/ch.md:12)", put after every message
    related: tuple[Location, ...] = ()
    definitions: Mapping[str, Any] | None = None  # the target's schema definitions, for enums
    extra: dict[str, Any] = field(default_factory=dict)

    def at_least(self, release: str) -> bool:
        return version_key(self.version) >= version_key(release)

    def finding(self, at: Path, message: str, severity: Severity = "error") -> Diagnostic:
        line = self.line_of(at)
        return Diagnostic(self.path, line, severity, self.head + message + self.tail,
                          related=self.related)


class Report:
    """The findings of one rule on one document, worded as `field.Error`s.

    `path` is the field the API server names; `at` (default: `path`) is where the finding is
    shown, e.g. the offending label key inside `metadata.labels`."""

    def __init__(self, ctx: ManifestContext, severity: Severity = "error", note: str = "") -> None:
        self.ctx = ctx
        self.severity: Severity = severity
        self.note = note  # appended to each message, e.g. why a StatefulSet finding is a warning
        self.found: list[Diagnostic] = []

    def variant(self, severity: Severity, note: str = "") -> Report:
        """The same list of findings, worded with another severity and note."""
        other = Report(self.ctx, severity, note)
        other.found = self.found
        return other

    def _add(self, path: Path, body: str, at: Path | None) -> None:
        self.found.append(self.ctx.finding(at if at is not None else path,
                                           f"{render(path)}: {body}{self.note}", self.severity))

    def invalid(self, path: Path, value: object, detail: str, at: Path | None = None) -> None:
        self._add(path, f"Invalid value: {show(value)}: {detail}", at)

    def required(self, path: Path, detail: str = "", at: Path | None = None) -> None:
        self._add(path, "Required value" + (f": {detail}" if detail else ""), at)

    def duplicate(self, path: Path, value: object, at: Path | None = None) -> None:
        self._add(path, f"Duplicate value: {show(value)}", at)

    def not_found(self, path: Path, value: object, detail: str = "", at: Path | None = None) -> None:
        self._add(path, f"Not found: {show(value)}" + (f": {detail}" if detail else ""), at)

    def forbidden(self, path: Path, detail: str, at: Path | None = None) -> None:
        self._add(path, f"Forbidden: {detail}", at)

    def too_long(self, path: Path, limit: int, unit: str = "bytes", at: Path | None = None) -> None:
        self._add(path, f"Too long: must have at most {limit} {unit}", at)

    def not_supported(self, path: Path, value: object, supported: Iterable[str],
                      at: Path | None = None) -> None:
        listed = ", ".join(json.dumps(s) for s in supported)
        self._add(path, f"Unsupported value: {show(value)}: supported values: {listed}", at)

    def each(self, path: Path, value: object, messages: Iterable[str], at: Path | None = None) -> None:
        """One `Invalid value` per message of a validator such as `is_dns1123_label`."""
        for message in messages:
            self.invalid(path, value, message, at)

    def nonnegative(self, path: Path, value: object) -> None:
        """`ValidateNonnegativeField`."""
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            self.invalid(path, value, "must be greater than or equal to 0")


# -- safe access: rules run on documents whose schema problems are reported elsewhere --------------


def mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def items(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def integer(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
