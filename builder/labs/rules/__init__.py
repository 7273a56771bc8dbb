"""Kubernetes semantic rules: what the API server rejects that a JSON schema cannot say.

Each module holds the rules of one concern (names, labels, selectors, containers, ports,
quantities, probes, services, cronjob, secrets, enums, ...), each rule a `manifest`-tier check
of `builder.checks` whose docstring names the Kubernetes validation function it mirrors. Rules
see a document and a `ManifestContext` (file, line lookup, target version, schema definitions)
and nothing else, so they are pure and tested on small documents of their own.

Severity follows the project's contract: an error is what the API server rejects on create
(`kubectl apply` fails); what it accepts but breaks later (a StatefulSet's pod template, which
the server does not validate) is a warning that says so.
"""

from __future__ import annotations

from typing import Any

from builder import checks
from builder.diagnostics import Diagnostic
from builder.labs.rules.context import ManifestContext

__all__ = ["MODULES", "ManifestContext", "check_document", "load"]

MODULES = tuple(f"builder.labs.rules.{name}" for name in (
    "names", "labels", "selectors", "containers", "ports", "quantities", "probes", "services",
    "cronjob", "secrets", "enums", "workloads", "storage", "ingress", "networkpolicy", "rbac",
    "autoscaling",
))


def load() -> None:
    checks.load(*MODULES)


def check_document(doc: Any, ctx: ManifestContext) -> list[Diagnostic]:
    """Every rule on one document (built-in kinds only; others yield nothing)."""
    load()
    from builder.labs.rules.rule import RULES

    found: list[Diagnostic] = []
    for run in RULES.values():
        found.extend(run(doc, ctx))
    return found
