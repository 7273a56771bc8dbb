"""Remark's slide structure: `---` slides, `--` increments, `???` notes, properties on top.

Remark splits slides before any Markdown is parsed, so a `---` line is always a separator
(never a setext underline or a rule) unless it sits inside a fenced code block. This module does
the same on source lines, fence-aware; markdown-it then parses each increment's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from builder.diagnostics import Diagnostic, warning
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


def fence_spans(lines: list[str]) -> tuple[dict[int, int], set[int]]:
    """Each fence opener's line -> its closing line, for the fences that close at all, and the
    lines of the openers that nothing closes.

    A fence spans slide separators only when a matching fence closes it further on (YAML
    `---` inside a ```yaml block is content). One that nothing closes is not a fence for
    splitting, as in remark: its slide still ends at the next separator.
    """
    closers: dict[int, int] = {}
    unclosed: set[int] = set()
    # Only lines holding ``` or ~~~ can open or close a fence: pair those up.
    marks = [i for i, line in enumerate(lines) if "```" in line or "~~~" in line]
    # The longest ``` and ~~~ lines at or after each mark: an opener that nothing closes is
    # known at once, without reading every line after it (thousands of them would be quadratic).
    longest = [(0, 0)] * (len(marks) + 1)
    for j in range(len(marks) - 1, -1, -1):
        ticks, tildes = longest[j + 1]
        bare = lines[marks[j]].strip()
        if bare == bare[0] * len(bare) and bare[0] == "`":
            ticks = max(ticks, len(bare))
        elif bare == bare[0] * len(bare):
            tildes = max(tildes, len(bare))
        longest[j] = (ticks, tildes)
    k = 0
    while k < len(marks):
        i = marks[k]
        opener = fence_opener(lines[i])
        k += 1
        if opener is None:
            continue
        if longest[k][0 if opener[0] == "`" else 1] < opener[1]:
            unclosed.add(i)
            continue
        for m in range(k, len(marks)):
            if closes_fence(lines[marks[m]], opener):
                closers[i] = marks[m]
                k = m + 1
                break
        else:
            unclosed.add(i)  # the lines after it are read as if it were text
    return closers, unclosed


def unclosed_fence(line: str, path: str, lineno: int) -> Diagnostic:
    char, length = fence_opener(line) or ("`", 3)
    marker = char * length
    return warning(path, lineno, f"code fence is never closed: it runs to the end of its slide "
                                 f"(close it with a {marker} line before the next `---`)",
                   check="unclosed-fence")


def split_slides(src: SourceLines, diagnostics: list[Diagnostic] | None = None) -> list[RawSlide]:
    """Slides, increments and notes on source lines. A fence that nothing closes is reported
    in `diagnostics` (a warning: remark shows the slide, the fence running to its end)."""
    slides = [RawSlide(start=0, increments=[RawIncrement(start=0)])]
    closers, openers_unclosed = fence_spans(src.lines)
    fences = closers.keys() | openers_unclosed
    fence_end = -1  # inside a closed fence up to this line
    unclosed = False  # an unclosed fence runs until the next separator: report it once
    in_notes = False
    for i, line in enumerate(src.lines):
        inc = slides[-1].increments[-1]
        if i <= fence_end:
            pass
        elif line == "---":
            slides.append(RawSlide(start=i + 1, increments=[RawIncrement(start=i + 1)]))
            in_notes = unclosed = False
            continue
        elif line == "--":
            slides[-1].increments.append(RawIncrement(start=i + 1))
            in_notes = unclosed = False
            continue
        elif line == "???" and not in_notes:
            in_notes = True
            unclosed = False
            inc.notes_start = i + 1
            continue
        elif i in fences:
            if i in closers:
                fence_end = closers[i]
            elif not unclosed:
                unclosed = True
                if diagnostics is not None:
                    diagnostics.append(unclosed_fence(line, *src.where(i)))
        (inc.notes if in_notes else inc.visible).append(i)
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
