"""Remark's slide structure: `---` slides, `--` increments, `???` notes, properties on top.

Remark splits slides before any Markdown is parsed, so a `---` line is always a separator
(never a setext underline or a rule) unless it sits inside a fenced code block. This module does
the same on source lines, fence-aware; markdown-it then parses each increment's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from builder.diagnostics import CourseError
from builder.markdown.source import SourceLines

FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
PROPERTY_RE = re.compile(r"^([-\w]+):(.*)$")


@dataclass(slots=True)
class RawIncrement:
    start: int  # index of its first line (the one after `--`, or the slide's first line)
    visible: list[int] = field(default_factory=list)
    notes: list[int] = field(default_factory=list)
    notes_start: int = -1


@dataclass(slots=True)
class RawSlide:
    start: int
    properties: dict[str, str] = field(default_factory=dict)
    property_lines: dict[str, int] = field(default_factory=dict)
    increments: list[RawIncrement] = field(default_factory=list)


def fence_opener(line: str) -> tuple[str, int] | None:
    """(marker char, length) if `line` opens a fenced block; one-line ```x``` fences do not."""
    m = FENCE_RE.match(line)
    if not m:
        return None
    marker, rest = m.group(1), m.group(2)
    if marker[0] == "`" and "`" in rest:
        return None
    return marker[0], len(marker)


def closes_fence(line: str, fence: tuple[str, int]) -> bool:
    stripped = line.strip()
    char, length = fence
    return len(stripped) >= length and stripped == char * len(stripped)


def split_slides(src: SourceLines) -> list[RawSlide]:
    slides = [RawSlide(start=0, increments=[RawIncrement(start=0)])]
    fence: tuple[str, int] | None = None
    fence_line = 0
    in_notes = False
    for i, line in enumerate(src.lines):
        inc = slides[-1].increments[-1]
        if fence is not None:
            if closes_fence(line, fence):
                fence = None
        elif line == "---":
            slides.append(RawSlide(start=i + 1, increments=[RawIncrement(start=i + 1)]))
            in_notes = False
            continue
        elif line == "--":
            slides[-1].increments.append(RawIncrement(start=i + 1))
            in_notes = False
            continue
        elif line == "???" and not in_notes:
            in_notes = True
            inc.notes_start = i + 1
            continue
        else:
            fence = fence_opener(line)
            fence_line = i
        (inc.notes if in_notes else inc.visible).append(i)
    if fence is not None:
        path, line = src.where(fence_line)
        raise CourseError(path, line, "code fence is never closed: it swallows the rest of the "
                                      "chapter (close it with a matching ``` line)")
    for slide in slides:
        _take_properties(slide, src)
    return slides


def _take_properties(slide: RawSlide, src: SourceLines) -> None:
    """Remark reads `key: value` lines at the very top of a slide (blank lines allowed between)."""
    first = slide.increments[0]
    taken = 0
    for idx in first.visible:
        line = src.lines[idx]
        if not line.strip():
            taken += 1
            continue
        m = PROPERTY_RE.match(line)
        if not m:
            break
        key = m.group(1)
        slide.properties[key] = m.group(2).strip()
        slide.property_lines[key] = idx
        taken += 1
    if slide.properties:
        del first.visible[:taken]
