"""The check registry: every lint of the course is a small function, registered by tier.

Like markdown-it's `Ruler` or pytest's hooks, a check is found by its registration, not by an
import chain: adding one is one function, one `@check(...)` line and one test. A check takes one
element of the model (a slide, a lab, a manifest document, ...) and a context object that its
tier defines, and yields `Diagnostic`s. The tiers:

    slide      a Slide of a compiled chapter (build, serve, lint)
    chapter    a Chapter (build, serve)
    deck       a Deck with its chapters (build, serve)
    lab        a Lab, with the chapter's simulated shell session (labs check)
    step       a Step of a lab (labs check)
    manifest   one Kubernetes document on a slide or in a file a lab applies (labs check)
    page       one slide of a built deck as Chromium shows it, its `--` steps measured (lint)

Modules holding checks import this one and register at import time; the stage that runs a tier
imports them (see `load`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from builder.diagnostics import Diagnostic

TIERS = ("slide", "chapter", "deck", "lab", "step", "manifest", "page")
CheckFn = Callable[[Any, Any], Iterable[Diagnostic]]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    tier: str
    fn: CheckFn

    @property
    def doc(self) -> str:
        return (self.fn.__doc__ or "").strip().split("\n")[0]


_REGISTRY: dict[str, dict[str, Check]] = {tier: {} for tier in TIERS}


def check(tier: str, name: str | None = None) -> Callable[[CheckFn], CheckFn]:
    """Register `fn` as a check of `tier`, under `name` (default: its function name)."""
    if tier not in _REGISTRY:
        raise ValueError(f"unknown check tier {tier!r} (known: {', '.join(TIERS)})")

    def register(fn: CheckFn) -> CheckFn:
        key = name or fn.__name__.lstrip("_").replace("_", "-")
        _REGISTRY[tier][key] = Check(key, tier, fn)
        return fn

    return register


def registered(tier: str | None = None) -> list[Check]:
    tiers = [tier] if tier else list(TIERS)
    return [c for t in tiers for c in _REGISTRY[t].values()]


def run(tier: str, element: Any, context: Any = None) -> Iterator[Diagnostic]:
    """Every check of `tier` on one element, each finding tagged with the check's name."""
    for c in _REGISTRY[tier].values():
        for d in c.fn(element, context):
            yield d if d.check else replace(d, check=c.name)


def load(*modules: str) -> None:
    """Import the modules that register checks (idempotent)."""
    for module in modules:
        importlib.import_module(module)
