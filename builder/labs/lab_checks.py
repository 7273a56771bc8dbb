"""The `lab` tier: checks of a whole lab, given its chapter's shell as the lab starts."""

from __future__ import annotations

from collections.abc import Iterator

from builder.checks import check
from builder.diagnostics import Diagnostic
from builder.labs.context import LabContext
from builder.labs.directives import DIRECTIVES
from builder.model import Lab


@check("lab", name="lab-steps")
def lab_steps(lab: Lab, ctx: LabContext) -> Iterator[Diagnostic]:
    """A lab with fenced blocks none of which a runner does anything with: worth knowing.

    A lab of prose alone ("open this page", "edit that file") is fine: nothing is said."""
    if lab.steps and not any(s.method in DIRECTIVES for s in lab.steps):
        methods = ", ".join(sorted({s.method or "no info string" for s in lab.steps}))
        yield Diagnostic(lab.path, lab.line, "note", f".{lab.macro}[ block has nothing a runner types (only "
                         f"{methods} blocks)", related=ctx.related(lab))
