"""The `manifest` tier: checks of one Kubernetes document (see `ManifestContext` for what they get).

Severities follow the contract of `labs check`: an error means the API server (or kubectl)
rejects the document; a problem of a document no lab applies that only says the example is
old is a warning; what cannot be checked is a note.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from builder.checks import check
from builder.diagnostics import Diagnostic
from builder.labs.context import ManifestContext
from builder.labs.schemas import Problem


@check("manifest", name="schema")
def schema(document: dict[str, Any], ctx: ManifestContext) -> Iterator[Diagnostic]:
    """Fields, types and API versions against the target Kubernetes release (or the CRD)."""
    for problem in ctx.problems:
        yield Diagnostic(ctx.path, ctx.line_of(problem.path), severity(problem, ctx),
                         ctx.label + (f"{problem.path}: " if problem.path else "") + problem.message,
                         related=ctx.related)


def severity(problem: Problem, ctx: ManifestContext) -> str:
    if problem.kind == "unchecked":
        return "note"
    if problem.kind == "deprecated-api":
        return "warning"
    if problem.kind == "removed-api" and not ctx.applied:
        return "warning"  # an obsolete example on a slide: no lab sends it to a server
    return "error"


@check("manifest", name="duplicate-keys")
def duplicate_keys(document: dict[str, Any], ctx: ManifestContext) -> Iterator[Diagnostic]:
    """A key given twice: kubectl refuses the whole file ("mapping key already defined")."""
    for dup in ctx.duplicates:
        yield Diagnostic(ctx.path, ctx.at(dup.line), "error" if ctx.applied else "warning",
                         f'{ctx.label}key "{dup.key}" is given twice (first at line {ctx.at(dup.first)}): '
                         "kubectl refuses the file", related=ctx.related)
