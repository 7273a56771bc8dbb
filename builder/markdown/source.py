"""Chapter text as lines that remember where they came from.

`@@INCLUDE[path]` pulls another file's lines into a chapter; after that, line N of the text a
parser sees is no longer line N of any one file. Each line keeps its (path, line) origin so that
every token, slide and step can still be traced to the file a trainer must edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from builder.diagnostics import CourseError
from builder.files import OUTSIDE, contained, read_text

INCLUDE_RE = re.compile(r"@@INCLUDE\[([^\]\n]+)\]")
MAX_INCLUDE_DEPTH = 8
# Includes multiply (7 levels of 8 includes of a small file are millions of lines): the whole
# chapter, its includes expanded, is capped. Real chapters are a few hundred lines.
MAX_LINES = 200_000
MAX_CHARS = 16 * 1024 * 1024


@dataclass(slots=True)
class SourceLines:
    lines: list[str]
    origins: list[tuple[str, int]]
    includes: list[str] = field(default_factory=list)

    def where(self, index: int) -> tuple[str, int]:
        if not self.origins:
            return ("?", 1)
        return self.origins[min(index, len(self.origins) - 1)]


@dataclass(slots=True)
class _Load:
    """One chapter being expanded: where files may come from, and how big it has grown."""

    repo: Path
    shared: tuple[str, ...]
    includes: list[str]
    lines: int = 0
    chars: int = 0


# An include directive being expanded: the file and line that hold it, and what it names.
Frame = tuple[str, int, str]


def load_source(text: str, path: str, first_line: int, repo: Path,
                shared: tuple[str, ...] = ()) -> SourceLines:
    """Split `text` (which starts at `first_line` of `path`) into lines, expanding includes; files
    are read only inside the repository and the `shared` folders of the settings."""
    out = SourceLines([], [])
    load = _Load(repo, shared, out.includes)
    _expand(text, path, first_line, load, out, stack=())
    return out


def _expand(text: str, path: str, first_line: int, load: _Load, out: SourceLines,
            stack: tuple[Frame, ...]) -> None:
    for offset, line in enumerate(text.split("\n")):
        lineno = first_line + offset
        if "@@INCLUDE[" not in line:
            out.lines.append(line)
            out.origins.append((path, lineno))
            _grow(load, line, stack)
            continue
        _include_line(line, path, lineno, load, out, stack)


def _grow(load: _Load, line: str, stack: tuple[Frame, ...]) -> None:
    load.lines += 1
    load.chars += len(line) + 1
    if (load.lines > MAX_LINES or load.chars > MAX_CHARS) and stack:
        top_path, top_line, _ = stack[0]
        chain = " -> ".join(f"{p}:{n} @@INCLUDE[{t}]" for p, n, t in stack)
        raise CourseError(top_path, top_line, f"includes make the chapter longer than {MAX_LINES:,} "
                                              f"lines or {MAX_CHARS // 2**20} MB (through {chain})")


def _include_line(line: str, path: str, lineno: int, load: _Load, out: SourceLines,
                  stack: tuple[Frame, ...]) -> None:
    m = INCLUDE_RE.search(line)
    if m is None:
        raise CourseError(path, lineno, "unclosed @@INCLUDE[ directive (expected @@INCLUDE[path])")
    target = m.group(1).strip()
    here = stack + ((path, lineno, target),)
    if len(stack) >= MAX_INCLUDE_DEPTH or target in {p for p, _, _ in here}:
        raise CourseError(path, lineno, f"@@INCLUDE[{target}] includes itself")
    file = contained(load.repo, target, load.shared)
    if file is None:  # refused as written: nothing outside is looked at
        raise CourseError(path, lineno, f"@@INCLUDE[{target}]: {OUTSIDE}")
    if not file.is_file():
        raise CourseError(path, lineno, f"@@INCLUDE file not found: {target}")
    if target not in out.includes:
        out.includes.append(target)
    try:
        body = read_text(file, target)
    except CourseError as exc:
        if exc.line is not None:
            raise
        raise CourseError(path, lineno, f"@@INCLUDE[{target}]: {exc.message}") from None
    if body.endswith("\n"):
        body = body[:-1]
    before, after = line[: m.start()], line[m.end() :]
    if not before.strip() and not after.strip():
        # A directive alone on its line: indent the file like the directive (lists, fences).
        body = "\n".join(before + b if b else b for b in body.split("\n"))
        before = after = ""
    inner = SourceLines([], [], out.includes)
    _expand(body, target, 1, load, inner, here)
    if not inner.lines:
        inner.lines, inner.origins = [""], [(target, 1)]
    inner.lines[0] = before + inner.lines[0]
    inner.lines[-1] = inner.lines[-1] + after
    if before:
        inner.origins[0] = (path, lineno)
    out.lines.extend(inner.lines)
    out.origins.extend(inner.origins)
    # Several directives on one line: expand the rest of the line too.
    if "@@INCLUDE[" in after:
        last = out.lines.pop()
        last_origin = out.origins.pop()
        load.lines -= 1
        _include_line(last, last_origin[0], last_origin[1], load, out, stack)
