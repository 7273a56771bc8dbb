"""Course settings, in one documented place: `coursekit.toml` or `[tool.coursekit]`.

    [tool.coursekit]
    prefix = "~/container.training"   # how labs spell the repository's checkout
    kubernetes = "1.33"               # target version for manifest checks (default: newest known)
    tools = ["kubectx"]               # programs the labs may call besides the well-known ones
    kubectl-plugins = ["ctx", "ns"]   # `kubectl <plugin>` words that are not kubectl commands
    raw-urls = ["https://example.org/course/raw/main/"]  # URL prefixes that mean the repo root
    lab-macros = ["lab", "exercise"]  # macros whose fences are lab steps (`.exercise[` before 2020)

Defaults fit the common case, so most courses need no settings at all.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from builder.diagnostics import CourseError

DEFAULT_PREFIX = "~/container.training"
DEFAULT_LAB_MACROS = ("lab", "exercise")  # today's name, and the one courses used before 2020


@dataclass(frozen=True, slots=True)
class Settings:
    prefix: str = DEFAULT_PREFIX
    kubernetes: str | None = None
    tools: tuple[str, ...] = ()
    kubectl_plugins: tuple[str, ...] = ()
    raw_urls: tuple[str, ...] = ()
    lab_macros: tuple[str, ...] = DEFAULT_LAB_MACROS
    source: str = ""  # where the settings came from, for messages


_KEYS = {"prefix": str, "kubernetes": str, "tools": list, "kubectl-plugins": list, "raw-urls": list,
         "lab-macros": list}
_MACRO_NAME = re.compile(r"[A-Za-z_][\w-]*")


def load_settings(repo: Path) -> Settings:
    own = repo / "coursekit.toml"
    if own.is_file():
        return _settings(own, lambda data: data.get("coursekit", data))
    project = repo / "pyproject.toml"
    if project.is_file():
        return _settings(project, lambda data: data.get("tool", {}).get("coursekit", {}))
    return Settings()


def _settings(path: Path, pick) -> Settings:
    text = path.read_text(encoding="utf-8")
    try:
        table = pick(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise CourseError(path.name, int(m.group(1)) if m else None, f"not valid TOML: {exc}") from None
    values: dict[str, object] = {}
    for key, value in table.items():
        expected = _KEYS.get(key)
        line = _line_of(text, key)
        if expected is None:
            raise CourseError(path.name, line, f"unknown coursekit setting {key!r} "
                                               f"(known: {', '.join(sorted(_KEYS))})")
        if not isinstance(value, expected) or (
                expected is list and not all(isinstance(v, str) for v in value)):  # type: ignore[union-attr]
            kind = "a string" if expected is str else "a list of strings"
            raise CourseError(path.name, line, f"coursekit setting {key!r} must be {kind}")
        values[key.replace("-", "_")] = tuple(value) if isinstance(value, list) else value
    kubernetes = values.get("kubernetes")
    if kubernetes is not None and not re.fullmatch(r"1\.\d+", str(kubernetes)):
        raise CourseError(path.name, _line_of(text, "kubernetes"),
                          f"kubernetes must look like 1.33, not {kubernetes!r}")
    for name in values.get("lab_macros", ()):  # type: ignore[union-attr]
        if not _MACRO_NAME.fullmatch(name):
            raise CourseError(path.name, _line_of(text, "lab-macros"),
                              f"lab-macros: {name!r} is not a macro name (write `lab`, not `.lab[`)")
    prefix = str(values.get("prefix", DEFAULT_PREFIX)).rstrip("/")
    values["prefix"] = prefix
    return Settings(**values, source=path.name)  # type: ignore[arg-type]


def _line_of(text: str, key: str) -> int | None:
    m = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else None
