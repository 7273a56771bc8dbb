"""Run the manifest rules on small YAML documents, against the real bundled schemas."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import pytest

from builder.diagnostics import Diagnostic
from builder.labs import rules
from builder.labs.rules.rule import RULES
from builder.labs.schemas import Schemas
from builder.yamltext import load_documents

_SCHEMAS: dict[str | None, Schemas] = {}


def run_rules(text: str, version: str | None = None, only: str | None = None) -> list[Diagnostic]:
    """Every finding of the rules (or of rule `only`) on each document of `text`."""
    if version not in _SCHEMAS:
        _SCHEMAS[version] = Schemas(version)
    schemas = _SCHEMAS[version]
    text = textwrap.dedent(text).lstrip("\n")
    rules.load()
    found: list[Diagnostic] = []
    documents, error = load_documents(text)
    assert error is None, error
    for number, document in enumerate(documents, 1):
        context = rules.ManifestContext(
            path="m.yaml", line_of=document.line_of, version=schemas.version, head=f"document {number}: ",
            definitions=schemas.definitions)
        if only is None:
            found += rules.check_document(document.data, context)
        else:
            found += RULES[only](document.data, context)
    return found


Check = Callable[..., list[str]]


@pytest.fixture
def check() -> Check:
    """`check(yaml, version=None, only=None)` -> ["line: severity: message", ...]."""
    def lines(text: str, version: str | None = None, only: str | None = None) -> list[str]:
        return [f"{d.line}: {d.severity}: {d.message}" for d in run_rules(text, version, only)]
    return lines


@pytest.fixture
def diagnostics() -> Callable[..., list[Diagnostic]]:
    """`diagnostics(yaml, version=None, only=None)`: the findings themselves."""
    return run_rules


@pytest.fixture
def newest_schemas() -> Schemas:
    if None not in _SCHEMAS:
        _SCHEMAS[None] = Schemas()
    return _SCHEMAS[None]
