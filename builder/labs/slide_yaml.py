"""YAML shown on slides: whole Kubernetes objects through the `manifest` tier, fragments at the
place of a Kubernetes object where they fit.

Slides show YAML that no lab applies: a problem there is worth saying only when it is surely
one. So this module says nothing about what is not Kubernetes, or not whole.
"""

from __future__ import annotations

from builder.diagnostics import Diagnostic
from builder.labs.manifests import Manifests, is_object
from builder.labs.schemas import Problem
from builder.labs.state import ShellState
from builder.model import CodeBlock
from builder.yamltext import load_documents

YAML_LANGS = frozenset({"yaml", "yml"})


def check_block(block: CodeBlock, manifests: Manifests, state: ShellState) -> list[Diagnostic]:
    documents, error = load_documents(block.text)
    found: list[Diagnostic] = []
    if error is not None:
        return [Diagnostic(block.path, block.line + (error.line or 1) - 1, "warning",
                           f"YAML on this slide does not parse, not checked: {error.message}")]
    for doc in documents:
        if is_object(doc.data):
            manifests.documents += 1
            found += manifests.run(doc, block.path, block.line, "slide", (), state)
        elif isinstance(doc.data, dict) and doc.data:
            where, problems = manifests.env.schemas.validate_fragment(doc.data)
            for problem in problems:
                at = block.line + doc.line_of(problem.path) - 1
                place = f" (as part of a {where})" if where else ""
                found.append(Diagnostic(block.path, at, _severity(problem), _field(problem)
                                        + problem.message + place))
    return found


def _field(problem: Problem) -> str:
    return f"{problem.path}: " if problem.path else ""


def _severity(problem: Problem) -> str:
    if problem.kind == "unchecked":
        return "note"
    return "warning" if problem.kind == "deprecated-api" else "error"
