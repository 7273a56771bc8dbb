"""What a lab, step or manifest check is given: the contexts of the `lab`, `step` and `manifest`
tiers of the check registry (`builder.checks`).

A check is `fn(element, context) -> Iterable[Diagnostic]`. The element is the model's own (a
`Lab`, a `Step`) or, for manifests, the document's data; the context carries what the check
needs to judge it and to point at the right line. Contexts are built by `builder.labs.check`.
"""

from __future__ import annotations

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
from builder.labs.rules.context import ManifestContext as RuleContext
from builder.labs.schemas import Problem, Schemas
from builder.labs.shell import Command, ShellSyntaxError, commands
from builder.labs.state import ShellState
from builder.model import Chapter, Lab, Step
from builder.yamltext import Document, Duplicate

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
UNSERVED = frozenset({"removed-api", "unknown-kind", "not-an-object", "unchecked"})


@dataclass(frozen=True, slots=True)
class ManifestContext(RuleContext):
    """Context of the `manifest` tier: one Kubernetes document and where it comes from.

    The element a manifest check receives is the document itself (a dict, read as kubectl reads
    YAML). The context extends the semantic rules' context (`builder.labs.rules.context`, whose
    `finding()` words a `Diagnostic` with `head` and `related`), so every manifest check, the
    rules included, gets:

    - `path`: the file the document is in (relative to the repository), or the chapter for a
      here-document or YAML shown on a slide;
    - `line_of(field_path)`: the 1-based line in `path` of a field, given as a tuple of parts
      (("spec", "containers", 0, "image")) or as text ("spec.containers[0].image"), or the line
      of the deepest part of it that exists; `line`: where the document starts in `path`;
    - `version`: the target Kubernetes version ("1.37"), `at_least("1.30")`; `schemas`: the
      `Schemas` of that version (`validate(doc, crds, partial)`), `definitions`: its raw schema
      definitions; `crds`: validators of the CRDs the chapter has applied so far;
    - `kind`, `api_version`, `name`, `number` (the document's position in its file, 1-based);
      `head`: "document 2 (Deployment web): " (files, here-documents) or "Deployment web: "
      (slides), put before messages;
    - `source`: "file" (a lab applies the file), "here-document" (typed in a lab step) or
      "slide" (shown, applied by no lab); `applied` is True for the first two;
    - `problems`: what the schema found (computed once; `served` is False when the target does
      not serve this kind at this version, and then the semantic rules stay silent);
    - `partial`: the document is shown elided on a slide, so a missing field is no problem;
    - `duplicates`: keys given twice in the document (kubectl refuses the file);
    - `related`: the lab lines that apply it, for `Diagnostic.related`.

    A check yields `Diagnostic`s at `ctx.path` and a line from `ctx.line_of(...)`, with
    `related=ctx.related`, or calls `ctx.finding(field_path, message, severity)`.
    """

    document: dict[str, Any] = field(default_factory=dict)
    kind: str = ""
    api_version: str = ""
    source: Source = "file"
    doc: Document | None = None
    first_line: int = 1  # where the YAML text (file, here-document, slide block) starts in `path`
    number: int | None = None
    schemas: Schemas | None = None
    crds: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    partial: bool = False
    problems: tuple[Problem, ...] = ()

    @classmethod
    def of(cls, doc: Document, path: str, source: Source, first_line: int, number: int | None,
           schemas: Schemas, crds: dict[tuple[str, str, str], Any], related: tuple[Location, ...],
           partial: bool = False) -> ManifestContext:
        data: dict[str, Any] = doc.data
        metadata = data.get("metadata")
        name = metadata.get("name") if isinstance(metadata, dict) else None
        what = f"{data['kind']}{' ' + str(name) if name is not None else ''}"
        head = f"document {number} ({what}): " if number is not None else f"{what}: "
        return cls(
            path=path, line_of=lambda parts: first_line + doc.line_of(parts) - 1, version=schemas.version,
            head=head, related=related, definitions=schemas.definitions, document=data, kind=data["kind"],
            api_version=data["apiVersion"], source=source, doc=doc, first_line=first_line, number=number,
            schemas=schemas, crds=crds, partial=partial,
            problems=tuple(schemas.validate(data, crds, partial)))

    @property
    def applied(self) -> bool:
        return self.source != "slide"

    @property
    def served(self) -> bool:
        return not any(p.kind in UNSERVED for p in self.problems)

    @property
    def duplicates(self) -> list[Duplicate]:
        return self.doc.duplicates if self.doc is not None else []

    @property
    def line(self) -> int:
        return self.first_line + (self.doc.line if self.doc is not None else 1) - 1

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
        return self.head
