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
from builder.files import read_text

INCLUDE_RE = re.compile(r"@@INCLUDE\[([^\]\n]+)\]")
MAX_INCLUDE_DEPTH = 8


@dataclass(slots=True)
class SourceLines:
    lines: list[str]
    origins: list[tuple[str, int]]
    includes: list[str] = field(default_factory=list)

    def where(self, index: int) -> tuple[str, int]:
        if not self.origins:
            return ("?", 1)
        return self.origins[min(index, len(self.origins) - 1)]


def load_source(text: str, path: str, first_line: int, repo: Path) -> SourceLines:
    """Split `text` (which starts at `first_line` of `path`) into lines, expanding includes."""
    out = SourceLines([], [])
    _expand(text, path, first_line, repo, out, stack=(path,))
    return out


def _expand(text: str, path: str, first_line: int, repo: Path, out: SourceLines,
            stack: tuple[str, ...]) -> None:
    for offset, line in enumerate(text.split("\n")):
        lineno = first_line + offset
        if "@@INCLUDE[" not in line:
            out.lines.append(line)
            out.origins.append((path, lineno))
            continue
        _include_line(line, path, lineno, repo, out, stack)


def _include_line(line: str, path: str, lineno: int, repo: Path, out: SourceLines,
                  stack: tuple[str, ...]) -> None:
    m = INCLUDE_RE.search(line)
    if m is None:
        raise CourseError(path, lineno, "unclosed @@INCLUDE[ directive (expected @@INCLUDE[path])")
    target = m.group(1).strip()
    if len(stack) > MAX_INCLUDE_DEPTH or target in stack:
        raise CourseError(path, lineno, f"@@INCLUDE[{target}] includes itself")
    file = repo / target
    if not file.is_file():
        raise CourseError(path, lineno, f"@@INCLUDE file not found: {target}")
    if target not in out.includes:
        out.includes.append(target)
    body = read_text(file, target)
    if body.endswith("\n"):
        body = body[:-1]
    before, after = line[: m.start()], line[m.end() :]
    if not before.strip() and not after.strip():
        # A directive alone on its line: indent the file like the directive (lists, fences).
        body = "\n".join(before + b if b else b for b in body.split("\n"))
        before = after = ""
    inner = SourceLines([], [], out.includes)
    _expand(body, target, 1, repo, inner, stack + (target,))
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
        _include_line(last, last_origin[0], last_origin[1], repo, out, stack)
