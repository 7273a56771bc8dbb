"""Kubernetes documents, wherever a lab gets them, through the one `manifest` tier of checks.

Files a lab applies, here-documents typed in a step and YAML shown on slides are all read by the
one YAML loader (`builder.yamltext`) and each Kubernetes document goes through
`checks.run("manifest", ...)` with a `ManifestContext`. A file is read once per run; its
findings are computed once per set of CRDs its chapter has applied (usually one).

What a chapter takes from the manifests goes into its `Ledger`, and nothing a chapter sees
depends on which chapters came before it: a chapter's check is a function of the chapter alone
(and the repository), so that chapters checked apart, or read back from the cache, merge into
the same report as one run over all of them (`builder.labs.check`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from builder import checks
from builder.diagnostics import Diagnostic, Location
from builder.labs import rules
from builder.labs.context import CheckEnv, ManifestContext, Source
from builder.labs.rules.rule import RULES
from builder.labs.state import ShellState
from builder.yamltext import Document, YamlError, load_documents

# Modules whose `@check("manifest")` functions run on every Kubernetes document; a package of
# rules adds its module here (or imports itself before the check runs: registration is enough).
MANIFEST_CHECK_MODULES: list[str] = ["builder.labs.manifest_checks", *rules.MODULES]


@dataclass(slots=True)
class DocumentVerdict:
    """The checker's verdict on one manifest document a lab applies: what `kubectl apply
    --dry-run=server` is compared with (`coursekit labs check --verdicts`, `labs dry-run`)."""

    file: str  # repository file, or the chapter holding a here-document
    index: int  # 1-based, among the non-empty documents of the file or here-document
    line: int
    kind: str
    name: str
    errors: list[str] = field(default_factory=list)
    here_document: str | None = None  # the whole here-document, when the manifest is one

    @property
    def verdict(self) -> str:
        return "reject" if self.errors else "accept"


def is_object(data: object) -> bool:
    """Has what makes a Kubernetes object: a mapping with string apiVersion and kind."""
    return (isinstance(data, dict) and isinstance(data.get("apiVersion"), str) and bool(data["apiVersion"])
            and isinstance(data.get("kind"), str) and bool(data["kind"]))


FindingKey = tuple[str, "int | None", str]  # (file, line, message) of a file's finding
MemoKey = tuple[str, tuple[str, ...]]  # (file, the sources of the CRDs applied before it)


@dataclass(slots=True)
class Ledger:
    """What one chapter's checks took from the manifests."""

    files: dict[str, int] = field(default_factory=dict)  # files read -> their documents
    here_documents: int = 0  # documents typed in here-documents
    verdicts: list[tuple[MemoKey | None, DocumentVerdict]] = field(default_factory=list)
    applied: dict[FindingKey, list[Location]] = field(default_factory=dict)  # -> labs, in order
    _checked: set[MemoKey] = field(default_factory=set)

    def apply(self, key: FindingKey, lab: Location) -> bool:
        """A lab applies a file with this finding; True the first time in the chapter (a file's
        finding is reported once, at the first lab that applies the file)."""
        first = key not in self.applied
        labs = self.applied.setdefault(key, [])
        if lab not in labs:
            labs.append(lab)
        return first


@dataclass(slots=True)
class _Checked:
    findings: list[Diagnostic]
    verdicts: list[DocumentVerdict]
    kinds: list[str]  # of its objects: the chapter's subject


@dataclass(slots=True)
class _File:
    documents: list[Document]
    error: YamlError | None
    decode_error: bool = False
    crds: list[dict] = field(default_factory=list)


class Manifests:
    def __init__(self, env: CheckEnv) -> None:
        checks.load(*MANIFEST_CHECK_MODULES)
        self.env = env
        self._files: dict[str, _File] = {}
        self._findings: dict[MemoKey, _Checked] = {}
        self._rules = frozenset(RULES)  # names of the semantic rules among the manifest checks
        self._text: str | None = None  # the here-document being read, for its verdicts
        self.ledger = Ledger()

    def begin(self) -> Ledger:
        """A new chapter: what it takes from the manifests goes into a new ledger."""
        self.ledger = Ledger()
        return self.ledger

    def _read(self, rel: str) -> _File:
        known = self._files.get(rel)
        if known is None:
            real = self.env.paths.real(rel)  # never outside: the step checks refuse those first
            try:
                if real is None:
                    raise OSError(rel)
                text = real.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                known = self._files[rel] = _File([], None, decode_error=True)
            else:
                documents, error = load_documents(text)
                crds = [d.data for d in documents if is_object(d.data)
                        and d.data["kind"] == "CustomResourceDefinition"]
                known = self._files[rel] = _File(documents, error, crds=crds)
        self.ledger.files.setdefault(rel, len(known.documents))
        return known

    def crds_of(self, rel: str) -> list[dict]:
        """The CustomResourceDefinitions a file defines (applying it makes them known)."""
        return self._read(rel).crds

    def check_file(self, rel: str, state: ShellState) -> list[Diagnostic]:
        """Findings of a repository file a lab applies, without the lab (the caller relates it)."""
        key = (rel, state.crd_sources)
        read = self._read(rel)
        checked = self._findings.get(key)
        if checked is None:
            if read.decode_error:
                checked = _Checked([Diagnostic(rel, 1, "error", "file is not UTF-8")], [], [])
            else:
                self._text = None
                verdicts: list[DocumentVerdict] = []
                # Only the CRDs of the chapter's shell matter to a file's findings (they are the
                # key); its other effects on the shell are the same wherever it is applied.
                scratch = ShellState(crds=state.crds, crd_sources=state.crd_sources)
                found = self._documents(read.documents, read.error, rel, 1, "file", (), scratch,
                                        "not valid YAML", verdicts)
                kinds = [d.data["kind"] for d in read.documents if is_object(d.data)]
                checked = _Checked(found, verdicts, kinds)
            self._findings[key] = checked
        state.kinds.update(checked.kinds)
        if key not in self.ledger._checked:
            self.ledger._checked.add(key)
            self.ledger.verdicts += [(key, v) for v in checked.verdicts]
        return checked.findings

    def check_text(self, text: str, path: str, first_line: int, source: Source,
                   related: tuple[Location, ...], state: ShellState, what: str) -> list[Diagnostic]:
        """Findings of YAML typed in a step (a here-document) at `first_line` of `path`."""
        documents, error = load_documents(text)
        self.ledger.here_documents += len(documents)
        self._text = text
        verdicts: list[DocumentVerdict] = []
        found = self._documents(documents, error, path, first_line, source, related, state,
                                f"{what} is not valid YAML", verdicts)
        self.ledger.verdicts += [(None, v) for v in verdicts]
        return found

    def _documents(self, documents: Iterable[Document], error: YamlError | None, path: str,
                   first_line: int, source: Source, related: tuple[Location, ...], state: ShellState,
                   unreadable: str, verdicts: list[DocumentVerdict]) -> list[Diagnostic]:
        found: list[Diagnostic] = []
        numbered = source != "slide"
        for number, doc in enumerate(documents, 1):
            if is_object(doc.data):
                of_doc = self.run(doc, path, first_line, source, related, state, number if numbered else None)
            else:
                label = f"document {number}: " if numbered else ""
                of_doc = [Diagnostic(path, first_line + doc.line - 1, "error",
                                     label + _not_an_object(doc.data), related=related)]
            found += of_doc
            kind, name = _kind_name(doc.data)
            if numbered:
                verdicts.append(DocumentVerdict(
                    path, number, first_line + doc.line - 1, kind, name,
                    [d.message for d in of_doc if d.is_error],
                    here_document=None if source == "file" else self._text))
        if error is not None:
            line = first_line + (error.line or 1) - 1
            found.append(Diagnostic(path, line, "error", f"{unreadable}: {error.message}", related=related))
        return found

    def run(self, doc: Document, path: str, first_line: int, source: Source,
            related: tuple[Location, ...], state: ShellState, number: int | None = None,
            partial: bool = False) -> list[Diagnostic]:
        """Every `manifest` check on one Kubernetes document.

        The semantic rules speak only of kinds the target serves, and of whole documents; on a
        slide (applied by no lab) what they find is a warning."""
        data: dict[str, Any] = doc.data
        state.kinds.add(data["kind"])
        ctx = ManifestContext.of(doc, path, source, first_line, number, self.env.schemas, state.crds,
                                 related, partial)
        found = []
        for d in checks.run("manifest", data, ctx):
            if d.check in self._rules:
                if not ctx.served or ctx.partial:
                    continue
                if not ctx.applied and d.severity == "error":
                    d = replace(d, severity="warning")
            found.append(d)
        return found


def _kind_name(data: object) -> tuple[str, str]:
    if not isinstance(data, dict):
        return "", ""
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    return str(data.get("kind", "")), str(metadata.get("name") or "")


def _not_an_object(data: object) -> str:
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"{type(data).__name__} {data!r}"[:60]
        return f"expected a Kubernetes object (a mapping), got {kind}"
    missing = [f for f in ("apiVersion", "kind") if not isinstance(data.get(f), str) or not data.get(f)]
    return f"no {' or '.join(missing)}: not a Kubernetes object"
