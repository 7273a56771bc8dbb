"""From jsonschema errors to one-line problems worded for a trainer rather than a schema author."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from jsonschema.exceptions import ValidationError, best_match

ProblemKind = Literal[
    "invalid", "missing", "unknown-field", "removed-api", "deprecated-api", "unknown-kind", "unchecked",
    "not-an-object"
]
MAX_PROBLEMS = 5  # per document: past a handful, a trainer fixes and reruns
_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about a manifest: `path` is a field path such as `spec.template.spec.containers[0]`."""

    kind: ProblemKind
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def format_path(parts: Iterable[str | int]) -> str:
    """`("spec", "containers", 0, "image")` -> `spec.containers[0].image`; odd keys are quoted."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _SIMPLE_KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part)}]"
    return out


def describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"{'integer' if isinstance(value, int) else 'number'} {value}"
    if isinstance(value, str):
        return f"string {json.dumps(value if len(value) <= 40 else value[:37] + '...')}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _expected_types(validator_value: object) -> list[str]:
    types = validator_value if isinstance(validator_value, list) else [validator_value]
    names = {"object": "a mapping", "array": "a list"}
    return [names.get(str(t), str(t)) for t in types if t != "null"]


def closest(word: str, choices: Iterable[str]) -> str | None:
    choices = list(choices)
    same_case = [c for c in choices if c.lower() == word.lower()]
    if same_case:
        return same_case[0]
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def suggestion(word: str, choices: Iterable[str]) -> str:
    close = closest(word, choices)
    return f' (did you mean "{close}"?)' if close else ""


def _unknown_fields(error: ValidationError) -> list[Problem]:
    known = error.schema.get("properties", {})
    problems = []
    for field in error.instance:
        if field in known:
            continue
        hint = suggestion(str(field), known)
        if not hint and not known:
            hint = " (no fields are allowed here)"
        elif not hint and len(known) <= 10:
            hint = f" (expected one of: {', '.join(known)})"
        path = format_path((*error.absolute_path, str(field)))
        problems.append(Problem("unknown-field", path, f'unknown field "{field}"{hint}'))
    return problems


def _missing_not_misspelt(error: ValidationError) -> list[str]:
    """Required fields that are absent, leaving out those an unknown field looks like a typo of."""
    known = error.schema.get("properties", {})
    typos = {closest(str(k), known) for k in error.instance if k not in known}
    return [f for f in error.validator_value if f not in error.instance and f not in typos]


def type_message(expected: list[str], instance: object) -> str:
    message = f"expected {' or '.join(expected)}, got {describe(instance)}"
    if expected == ["string"] and isinstance(instance, bool | int | float):
        message += " (quote it in YAML)"
    return message


def _explain(error: ValidationError) -> list[Problem]:
    """Problems for one jsonschema error, worded for a trainer rather than a schema author."""
    path = format_path(error.absolute_path)
    if error.validator == "additionalProperties" and error.validator_value is False:
        return _unknown_fields(error)
    if error.validator in ("oneOf", "anyOf"):
        if error.instance is None:
            return []  # the bundle's IntOrString/Quantity are oneOf two nullable types: null matches both
        if error.context and all(e.validator == "type" for e in error.context):
            expected = [t for e in error.context for t in _expected_types(e.validator_value)]
            return [Problem("invalid", path, type_message(list(dict.fromkeys(expected)), error.instance))]
        best = best_match(error.context) if error.context else None
        return _explain(best) if best else [Problem("invalid", path, shorten(error.message))]
    if error.validator == "type":
        expected = _expected_types(error.validator_value)
        return [Problem("invalid", path, type_message(expected, error.instance))]
    if error.validator == "required":
        return [Problem("missing", format_path((*error.absolute_path, f)), "missing required field")
                for f in _missing_not_misspelt(error)]
    if error.validator == "enum":
        allowed = [v for v in error.validator_value if v is not None]
        hint = suggestion(str(error.instance), [str(v) for v in allowed])
        listed = ", ".join(json.dumps(v) for v in allowed[:8])
        return [Problem("invalid", path, f"{describe(error.instance)} is not one of {listed}{hint}")]
    return [Problem("invalid", path, shorten(error.message))]


def shorten(message: str, limit: int = 160) -> str:
    line = message.splitlines()[0] if message else "invalid value"
    return line if len(line) <= limit else line[: limit - 3] + "..."


def check_instance(validator: Any, instance: object, partial: bool = False) -> list[Problem]:
    """The first problems of an instance; `partial` (a fragment) never misses a field."""
    problems: list[Problem] = []
    for error in validator.iter_errors(instance):
        for problem in _explain(error):
            if partial and problem.kind == "missing":
                continue
            if problem not in problems:
                problems.append(problem)
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems[:MAX_PROBLEMS]
