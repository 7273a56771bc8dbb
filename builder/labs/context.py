"""What a lab, step or manifest check is given: the contexts of the `lab`, `step` and `manifest`
tiers of the check registry (`builder.checks`).

A check is `fn(element, context) -> Iterable[Diagnostic]`. The element is the model's own (a
`Lab`, a `Step`) or, for manifests, the document's data; the context carries what the check
needs to judge it and to point at the right line. Contexts are built by `builder.labs.check`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from builder.config import Settings
from builder.diagnostics import Location
from builder.labs.directives import directive
from builder.labs.kubectl.grammar import Hidden, KubectlGrammar
from builder.labs.paths import RepoPaths
from builder.labs.programs import Programs
from builder.labs.schemas import Schemas
from builder.labs.shell import Command, ShellSyntaxError, commands
from builder.labs.state import ShellState
from builder.model import Chapter, Lab, Step
from builder.yamltext import Document, Duplicate, Part

if TYPE_CHECKING:
    from builder.labs.manifests import Manifests


@dataclass(slots=True)
class CheckEnv:
    """One `labs check` run: the course and the tools every check shares."""

    repo: Path
    settings: Settings
    grammar: KubectlGrammar
    schemas: Schemas
    paths: RepoPaths
    programs: Programs
    hidden: Hidden | None = None  # kubectl's hidden flags (see builder.labs.kubectl.hidden)


@dataclass(slots=True)
class LabContext:
    """Context of the `lab` tier: the lab's chapter and its shell as the lab starts."""

    env: CheckEnv
    chapter: Chapter
    state: ShellState

    def related(self, lab: Lab) -> tuple[Location, ...]:
        return (Location(lab.path, lab.line, "lab"),)


@dataclass
class StepContext:
    """Context of the `step` tier: the step's lab, and the chapter's shell just before the step.

    `commands` is the step's script parsed once for every check (empty when it does not parse:
    `syntax_error` then says why, and the shell-syntax check decides what bash thinks)."""

    env: CheckEnv
    chapter: Chapter
    lab: Lab
    step: Step
    state: ShellState
    defined: set[str] = field(default_factory=set)  # functions and aliases defined so far
    manifests: Manifests | None = None  # the run's manifest reader (files read once)

    @property
    def related(self) -> tuple[Location, ...]:
        return (Location(self.lab.path, self.lab.line, "lab"),)

    @cached_property
    def shell(self) -> bool:
        """Whether the step is a shell command line a runner types (bash, hide)."""
        found = directive(self.step.method)
        return found is not None and found.shell and bool(self.step.data.strip())

    @cached_property
    def _parsed(self) -> tuple[list[Command], ShellSyntaxError | None]:
        if not self.shell:
            return [], None
        try:
            return commands(self.step.data), None
        except ShellSyntaxError as exc:
            return [], exc

    @property
    def commands(self) -> list[Command]:
        return self._parsed[0]

    @property
    def syntax_error(self) -> ShellSyntaxError | None:
        return self._parsed[1]

    def line_of(self, command: Command) -> int:
        return self.step.line + command.line


Source = Literal["file", "here-document", "slide"]


@dataclass(slots=True)
class ManifestContext:
    """Context of the `manifest` tier: one Kubernetes document and where it comes from.

    The element a manifest check receives is `document` (the object as a dict, read as kubectl
    reads YAML). The context gives:

    - `kind`, `api_version`: the document's own (always strings: documents without them are
      not Kubernetes objects and never reach this tier);
    - `path`: the file the document is in (relative to the repository), or the chapter for a
      here-document or YAML shown on a slide; `first_line` is the 1-based line in `path` where
      the document's text starts;
    - `line_of(field_path)`: the 1-based line in `path` of a field (`spec.containers[0].image`
      or ("spec", "containers", 0, "image")), or of the deepest part of it that exists;
    - `number`: the document's position in its file (1-based), for messages;
    - `source`: "file" (a lab applies the file), "here-document" (typed in a lab step) or
      "slide" (shown on a slide; no lab applies it: a problem there is a warning at most when
      it only says the example is old);
    - `applied`: whether a lab applies it (file or here-document);
    - `kubernetes`: the target Kubernetes version ("1.33"), `schemas`: the schemas of that
      version (`Schemas.validate(doc, crds)`), `crds`: the custom resource definitions the
      chapter has applied so far (take precedence over the repository's);
    - `related`: the lab lines that apply it, for `Diagnostic.related`;
    - `duplicates`: keys given twice in the document (kubectl refuses the file);
    - `partial`: the document is shown elided on a slide: a missing field is no problem.

    A check yields `Diagnostic`s at `ctx.path` and `ctx.line_of(...)`, with `related=ctx.related`.
    """

    document: dict[str, Any]
    kind: str
    api_version: str
    path: str
    source: Source
    doc: Document
    first_line: int = 1  # where the YAML text (file, here-document, slide block) starts in `path`
    number: int | None = None
    kubernetes: str = ""
    schemas: Schemas | None = None
    crds: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    related: tuple[Location, ...] = ()
    partial: bool = False  # shown elided (`...`, `<placeholder>`): fields may be left out

    @property
    def applied(self) -> bool:
        return self.source != "slide"

    @property
    def duplicates(self) -> list[Duplicate]:
        return self.doc.duplicates

    @property
    def line(self) -> int:
        return self.first_line + self.doc.line - 1

    def line_of(self, field_path: str | Sequence[Part]) -> int:
        return self.first_line + self.doc.line_of(field_path) - 1

    def at(self, text_line: int) -> int:
        """A 1-based line of the YAML text as a line of `path`."""
        return self.first_line + text_line - 1

    @property
    def name(self) -> str | None:
        metadata = self.document.get("metadata")
        name = metadata.get("name") if isinstance(metadata, dict) else None
        return str(name) if name is not None else None

    @property
    def label(self) -> str:
        """`document 2 (Deployment web): ` for files, `Deployment web: ` on slides."""
        what = f"{self.kind}{' ' + self.name if self.name else ''}"
        return f"document {self.number} ({what}): " if self.number is not None else f"{what}: "
