"""`@rule(name)`: a manifest rule registered as a `manifest`-tier check of `builder.checks`.

A rule is `fn(document, context, report) -> None` that calls `report.invalid(...)` and the like;
the decorator turns it into a registry check `fn(document, context) -> list[Diagnostic]` that
skips anything but a mapping. Rules read documents through `mapping()`, `items()`, `string()`:
a field of the wrong type is the schema check's finding, never a crash here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from builder.checks import check
from builder.diagnostics import Diagnostic
from builder.labs.rules.context import ManifestContext, Report

RuleFn = Callable[[dict[str, Any], ManifestContext, Report], None]
RULES: dict[str, Callable[[Any, ManifestContext], list[Diagnostic]]] = {}


def rule(name: str) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        @functools.wraps(fn)
        def run(doc: Any, ctx: ManifestContext) -> list[Diagnostic]:
            if not isinstance(doc, dict):
                return []
            report = Report(ctx)
            fn(doc, ctx, report)
            return report.found

        check("manifest", name=name)(run)
        RULES[name] = run
        return fn

    return register
