"""Where what kubectl said is kept between runs: one JSON file per kubectl version, each fact in
an entry of its own, so that a run adds what it learnt to what earlier runs did, and an entry
that does not read right is learnt again instead of trusted."""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from builder.files import write_atomic

Words = tuple[str, ...]  # a command's words after `kubectl` (the root: ())


def cache_dir_of(cache_dir: Path | None) -> Path:
    if cache_dir is not None:
        return cache_dir
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coursekit"


def cache_file(cache_dir: Path | None, version: str, what: str = "") -> Path:
    """Where the grammar (or, with `what`, another fact) of one kubectl version is kept."""
    safe = re.sub(r"[^\w.+-]", "_", version)
    return cache_dir_of(cache_dir) / f"kubectl-{safe}{'-' + what if what else ''}.json"


def read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_json(path: Path, data: dict) -> None:
    """Atomically, so that parallel checks never read half a cache; a read-only cache only costs
    learning again next time."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(data, separators=(",", ":")))


@dataclass(slots=True)
class Known:
    """What kubectl said, by command: each table is filled as the facts are learnt."""

    globals: list[list[str]] | None = None  # `kubectl options`: [long, short, default]
    global_optional: list[str] | None = None  # global flags whose value is optional
    helps: dict[Words, dict] = field(default_factory=dict)  # `help.parse_help` of each command
    optional: dict[Words, list[str]] = field(default_factory=dict)  # its flags of optional value
    aliases: dict[Words, dict[str, str | None]] = field(default_factory=dict)  # word -> sub-command


def _words(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(word, str) for word in value)


def _flags(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(flag, list) and len(flag) == 3 and _words(flag) for flag in value)


HELP = {"aliases": _words, "subcommands": _words, "usage": _words, "examples": _words, "flags": _flags,
        "exclusive": lambda value: isinstance(value, dict) and all(map(_words, value.values()))}


def _help(value: object) -> bool:
    return isinstance(value, dict) and value.keys() == HELP.keys() and all(
        ok(value[key]) for key, ok in HELP.items())


def _names(value: object) -> bool:
    return isinstance(value, dict) and all(name is None or isinstance(name, str) for name in value.values())


def _table(data: dict, key: str, ok: Callable[[object], bool]) -> dict[Words, object]:
    """The entries of one table that read right, by command path."""
    table = data.get(key)
    if not isinstance(table, dict):
        return {}
    return {tuple(words.split()): value for words, value in table.items() if ok(value)}


def read_known(path: Path, version: str, form: int) -> Known:
    """The facts kept for this kubectl version; nothing from a file of another version or layout."""
    data = read_json(path)
    if data is None or data.get("format") != form or data.get("version") != version:
        return Known()
    return Known(globals=data["globals"] if _flags(data.get("globals")) else None,
                 global_optional=data["global_optional"] if _words(data.get("global_optional")) else None,
                 helps=_table(data, "helps", _help), optional=_table(data, "optional", _words),
                 aliases=_table(data, "aliases", _names))


def write_known(path: Path, version: str, form: int, known: Known) -> None:
    """Ours added to what the file holds now: checks run side by side lose nothing to each other."""
    kept = read_known(path, version, form)
    data = {"format": form, "version": version,
            "globals": known.globals if known.globals is not None else kept.globals,
            "global_optional": (known.global_optional if known.global_optional is not None
                                else kept.global_optional)}
    aliases = {command: {**kept.aliases.get(command, {}), **words}
               for command, words in known.aliases.items()}
    for key, table in (("helps", {**kept.helps, **known.helps}),
                       ("optional", {**kept.optional, **known.optional}),
                       ("aliases", {**kept.aliases, **aliases})):
        data[key] = {" ".join(command): value for command, value in table.items()}
    write_json(path, data)
