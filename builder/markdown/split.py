"""Remark's slide structure: `---` slides, `--` increments, `???` notes, properties on top.

Remark splits slides before any Markdown is parsed, so a `---` line is always a separator
(never a setext underline or a rule) unless its lexer reads it inside a piece of code or a
macro (builder/markdown/lexer.py). This module splits source lines where remark does;
markdown-it then parses each increment's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from builder.diagnostics import Diagnostic, warning
from builder.markdown.lexer import lex
from builder.markdown.source import SourceLines

FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
PROPERTY_RE = re.compile(r"^([-A-Za-z0-9_]+):(.*)$")  # ASCII words, as in remark


@dataclass(slots=True)
class RawIncrement:
    start: int  # index of its first line (the one after `--`, or the slide's first line)
    visible: list[int] = field(default_factory=list)
    notes: list[int] = field(default_factory=list)
    notes_start: int = -1
    properties: dict[str, str] = field(default_factory=dict)  # its own `key: value` lines
    property_lines: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class RawSlide:
    start: int
    properties: dict[str, str] = field(default_factory=dict)  # its first step's
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


def unclosed_fence(line: str, path: str, lineno: int) -> Diagnostic:
    char, length = fence_opener(line) or ("`", 3)
    marker = char * length
    return warning(path, lineno, f"code fence is never closed: it runs to the end of its slide "
                                 f"(close it with a {marker} line before the next `---`)",
                   check="unclosed-fence")


def split_slides(src: SourceLines, diagnostics: list[Diagnostic] | None = None) -> list[RawSlide]:
    """Slides, increments and notes on source lines, split where remark's lexer splits them
    (builder/markdown/lexer.py). A fence that its slide does not close is reported in
    `diagnostics` (a warning: remark shows the slide, the fence running to its end)."""
    slides = [RawSlide(start=0, increments=[RawIncrement(start=0)])]
    separators = lex("\n".join(src.lines)).separators
    in_notes = False
    for i in range(len(src.lines)):
        inc = slides[-1].increments[-1]
        kind = separators.get(i)
        if kind == "---":
            slides.append(RawSlide(start=i + 1, increments=[RawIncrement(start=i + 1)]))
            in_notes = False
        elif kind == "--":
            slides[-1].increments.append(RawIncrement(start=i + 1))
            in_notes = False
        elif kind == "???":
            in_notes = True
            inc.notes_start = i + 1
            inc.notes.clear()  # a second `???` starts the notes afresh, as in remark
        else:
            (inc.notes if in_notes else inc.visible).append(i)
    for slide in slides:
        _take_properties(slide, src)
        if diagnostics is not None:
            diagnostics.extend(_unclosed_fences(slide, src))
    return slides


def _unclosed_fences(slide: RawSlide, src: SourceLines) -> Iterator[Diagnostic]:
    """The fences that Markdown will see running to the end of the slide's text."""
    fence: tuple[str, int] | None = None
    opened = -1
    for inc in slide.increments:
        for i in inc.visible:
            line = src.lines[i]
            if fence is not None:
                if closes_fence(line, fence):
                    fence = None
            else:
                fence = fence_opener(line)
                opened = i
    if fence is not None:
        yield unclosed_fence(src.lines[opened], *src.where(opened))


def _take_properties(slide: RawSlide, src: SourceLines) -> None:
    """Remark reads `key: value` lines at the very top of a slide, and of each `--` step, which
    it reads as a slide of its own (empty lines allowed between them); they are not shown."""
    for inc in slide.increments:
        taken = 0
        for idx in inc.visible:
            line = src.lines[idx]
            if not line:
                taken += 1
                continue
            m = PROPERTY_RE.match(line)
            if not m:
                break
            key = m.group(1)
            inc.properties[key] = m.group(2).strip()
            inc.property_lines[key] = idx
            taken += 1
        if inc.properties:
            del inc.visible[:taken]
    slide.properties = slide.increments[0].properties
    slide.property_lines = slide.increments[0].property_lines
