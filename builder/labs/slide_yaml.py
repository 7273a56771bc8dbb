"""YAML shown on slides: whole Kubernetes objects through the `manifest` tier, fragments at the
place of a Kubernetes object where they fit.

Slides show YAML that no lab applies, and much of it is not Kubernetes at all (Compose files,
Prometheus configs, Helm values, kubeconfigs, ytt templates), or is elided (`...`,
`(more fields here)`, `<placeholder>`). A problem there is said only when it is surely one:
what is not Kubernetes, or cannot be placed, or does not parse, is skipped silently.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from builder.diagnostics import Diagnostic
from builder.labs.manifests import Manifests, is_object
from builder.labs.state import ShellState
from builder.model import CodeBlock
from builder.yamltext import Document, load_documents

YAML_LANGS = frozenset({"yaml", "yml"})

# Configuration files that are YAML with apiVersion and kind, but that no API server serves:
# kubeconfig, kind, kustomize, kubeadm and the API server's own configuration files.
CLIENT_SIDE = {("v1", "Config")}
CLIENT_GROUPS = re.compile(r"(^|\.)(config\.k8s\.io|x-k8s\.io|kubeadm\.k8s\.io|audit\.k8s\.io|"
                           r"client\.authentication\.k8s\.io|admission\.k8s\.io|k3d\.io|ctlptl\.dev)$|"
                           r"^skaffold$")
# What an apiVersion looks like (`v1`, `apps/v1beta2`); anything else is a placeholder.
API_VERSION = re.compile(r"(?:[a-z0-9.-]+/)?v\d+(?:(?:alpha|beta)\d+)?")
# Templates whose YAML is only YAML once rendered.
TEMPLATED = re.compile(r"^\s*#@|\{\{|\{%")
# A line that stands for lines left out: `...`, `…`, `# ...`, `(more fields here)`.
ELIDED_LINE = re.compile(r"^\s*(?:-\s*)?(?:\.\.\.|…|#\s*(?:\.\.\.|…)|\([^()]*\))\s*$")
# A value that stands for something the trainee writes: `...`, `<image>`, `…`.
PLACEHOLDER_VALUE = re.compile(r"^(?:\.\.\.|…|<[^<>]+>)$")


def is_client_side(data: dict[str, Any]) -> bool:
    api_version = str(data.get("apiVersion", ""))
    group = api_version.rpartition("/")[0]
    return (api_version, data.get("kind")) in CLIENT_SIDE or bool(group and CLIENT_GROUPS.search(group))


def without_elisions(text: str) -> tuple[str, bool]:
    """Elision lines blanked out (lines keep their numbers), and whether there were any."""
    lines = text.split("\n")
    kept = ["" if ELIDED_LINE.match(line) else line for line in lines]
    return "\n".join(kept), kept != lines


def without_placeholders(data: Any) -> tuple[Any, bool]:
    """Keys and items whose value is a placeholder dropped: `replicas: <n>` says nothing to check."""
    if isinstance(data, dict):
        out, dropped = {}, False
        for key, value in data.items():
            if isinstance(value, str) and PLACEHOLDER_VALUE.match(value.strip()):
                dropped = True
                continue
            out[key], inner = without_placeholders(value)
            dropped |= inner
        return out, dropped
    if isinstance(data, list):
        items, dropped = [], False
        for value in data:
            if isinstance(value, str) and PLACEHOLDER_VALUE.match(value.strip()):
                dropped = True
                continue
            item, inner = without_placeholders(value)
            items.append(item)
            dropped |= inner
        return items, dropped
    return data, False


def check_block(block: CodeBlock, manifests: Manifests, state: ShellState) -> list[Diagnostic]:
    """Findings of one YAML block shown on a slide, in the chapter's shell as it is then (the CRDs
    it applied, the kinds it is about)."""
    if TEMPLATED.search(block.text):
        return []
    text, elided = without_elisions(block.text)
    documents, error = load_documents(text)
    if error is not None:
        return []  # elided beyond repair, or not meant to be whole: nothing sure to say
    found: list[Diagnostic] = []
    for doc in documents:
        data, dropped = without_placeholders(doc.data)
        partial = elided or dropped
        if is_object(data):
            if is_client_side(data) or not API_VERSION.fullmatch(data["apiVersion"]):
                continue  # configuration files, or `apiVersion: xxx` in a lesson about the format
            doc.data = data
            found += [d for d in manifests.run(doc, block.path, block.line, "slide", (), state,
                                               partial=partial)
                      if d.severity != "note"]  # unchecked custom resources: nothing sure to say
        elif isinstance(data, dict) and data:
            found += _miscased(data, doc, block) or _fragment(data, doc, block, manifests, state.kinds)
    return found


def _miscased(data: dict, doc: Document, block: CodeBlock) -> list[Diagnostic]:
    """`Kind: Pod` beside an apiVersion: a whole object with its kind misspelt, not a fragment."""
    if "apiVersion" not in data or "kind" in data:
        return []
    return [Diagnostic(block.path, block.line + doc.line_of([key]) - 1, "error",
                       f'{key}: unknown field "{key}" (did you mean "kind"?)')
            for key in data if isinstance(key, str) and key.lower() == "kind"]


def _fragment(data: dict, doc: Document, block: CodeBlock, manifests: Manifests,
              subject: set[str]) -> list[Diagnostic]:
    where, problems = manifests.env.schemas.validate_fragment(data, prefer=subject)
    found = []
    for problem in problems:
        if problem.kind == "unchecked":
            continue
        at = block.line + doc.line_of(problem.path) - 1
        place = f" (as part of a {where})" if where else ""
        field = f"{problem.path}: " if problem.path else ""
        severity = "warning" if problem.kind in ("deprecated-api", "removed-api") else "error"
        found.append(replace(Diagnostic(block.path, at, "error", field + problem.message + place),
                             severity=severity))
    return found
