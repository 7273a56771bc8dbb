"""Integer-or-percent fields (`maxSurge`, `maxUnavailable`, `minAvailable`): `ValidatePositiveIntOrPercent`
and `IsNotMoreThan100Percent` (pkg/apis/apps/validation, pkg/apis/policy/validation)."""

from __future__ import annotations

import re

from builder.labs.rules.context import Path, Report

_PERCENT = re.compile(r"[0-9]+%")


def percent_or_int(path: Path, value: object, report: Report, at_most_100: bool = False) -> int | None:
    """Report a bad value; return the number (or percentage) for further comparisons."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        if value < 0:
            report.invalid(path, value, "must be greater than or equal to 0")
        return value
    if isinstance(value, str):
        if not _PERCENT.fullmatch(value):
            report.invalid(path, value, "must be an integer or percentage (e.g '5%')")
            return None
        number = int(value[:-1])
        if at_most_100 and number > 100:
            report.invalid(path, value, "must not be greater than 100%")
        return number
    return None
