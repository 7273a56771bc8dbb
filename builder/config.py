"""Course settings, in one documented place: `coursekit.toml` or `[tool.coursekit]`.

    [tool.coursekit]
    prefix = "~/container.training"   # how labs spell the repository's checkout
    kubernetes = "1.33"               # target version for manifest checks (default: newest known)
    tools = ["kubectx"]               # programs the labs may call besides the well-known ones
    kubectl-plugins = ["ctx", "ns"]   # `kubectl <plugin>` words that are not kubectl commands
    raw-urls = ["https://example.org/course/raw/main/"]  # URL prefixes that mean the repo root
    lab-macros = ["lab", "exercise"]  # macros whose fences are lab steps (`.exercise[` before 2020)
    shared-folders = ["../common"]    # folders outside the repository the course may read

Defaults fit the common case, so most courses need no settings at all. A course reads nothing
outside its repository (builder/files.py `contained`) unless `shared-folders` names the folder:
a course that shares chapters with a sibling checkout says so, explicitly; none does by default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from builder.diagnostics import CourseError
from builder.files import OUTSIDE, contained, read_text

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
    shared_folders: tuple[str, ...] = ()  # relative to the repository (or absolute)
    source: str = ""  # where the settings came from, for messages


_KEYS = {"prefix": str, "kubernetes": str, "tools": list, "kubectl-plugins": list, "raw-urls": list,
         "lab-macros": list, "shared-folders": list}
_MACRO_NAME = re.compile(r"[A-Za-z_][\w-]*")


def load_settings(repo: Path) -> Settings:
    for name in ("coursekit.toml", "pyproject.toml"):
        if (repo / name).is_file() or (repo / name).is_symlink():
            path = contained(repo, name)
            if path is None:  # a link out of the repository: not read, whatever it leads to
                raise CourseError(name, 1, f"settings file {OUTSIDE}")
            return _settings(path, name)
    return Settings()


def _table(data: dict, name: str) -> object:
    """`[coursekit]` of coursekit.toml (or its top level), `[tool.coursekit]` of pyproject.toml."""
    if name == "coursekit.toml":
        return data.get("coursekit", data)
    tool = data.get("tool", {})
    return tool.get("coursekit", {}) if isinstance(tool, dict) else None


def _settings(path: Path, name: str) -> Settings:
    import tomllib  # here: most courses have no settings file, and it costs a build 5 ms

    text = read_text(path, name)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise CourseError(name, int(m.group(1)) if m else 1, f"not valid TOML: {exc}") from None
    table = _table(data, name)
    if not isinstance(table, dict):
        raise CourseError(name, 1, "the coursekit settings must be a table")
    values: dict[str, object] = {}
    for key, value in table.items():
        expected = _KEYS.get(key)
        line = _line_of(text, key)
        if expected is None:
            raise CourseError(name, line, f"unknown coursekit setting {key!r} "
                                               f"(known: {', '.join(sorted(_KEYS))})")
        if not isinstance(value, expected) or (
                expected is list and not all(isinstance(v, str) for v in value)):  # type: ignore[union-attr]
            kind = "a string" if expected is str else "a list of strings"
            raise CourseError(name, line, f"coursekit setting {key!r} must be {kind}")
        values[key.replace("-", "_")] = tuple(value) if isinstance(value, list) else value
    kubernetes = values.get("kubernetes")
    if kubernetes is not None and not re.fullmatch(r"1\.\d+", str(kubernetes)):
        raise CourseError(name, _line_of(text, "kubernetes"),
                          f"kubernetes must look like 1.33, not {kubernetes!r}")
    for macro in values.get("lab_macros", ()):  # type: ignore[union-attr]
        if not _MACRO_NAME.fullmatch(macro):
            raise CourseError(name, _line_of(text, "lab-macros"),
                              f"lab-macros: {macro!r} is not a macro name (write `lab`, not `.lab[`)")
    prefix = str(values.get("prefix", DEFAULT_PREFIX)).rstrip("/")
    values["prefix"] = prefix
    return Settings(**values, source=name)  # type: ignore[arg-type]


def _line_of(text: str, key: str) -> int:
    """The line that sets `key` (the first line when the key is written some other way)."""
    m = re.search(rf"^[ \t]*\"?{re.escape(key)}\"?[ \t]*=", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 1
