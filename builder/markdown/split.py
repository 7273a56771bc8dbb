"""Remark's slide structure: `---` slides, `--` increments, `???` notes, properties on top.

Remark splits slides before any Markdown is parsed, so a `---` line is always a separator
(never a setext underline or a rule) unless its lexer reads it inside a piece of code or a
macro (builder/markdown/lexer.py). This module splits source lines where remark does;
markdown-it then parses each increment's text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from builder.diagnostics import Diagnostic, warning
from builder.markdown.dialect import fence_at
from builder.markdown.lexer import lex
from builder.markdown.source import SourceLines

FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
_INFO_WORD_RE = re.compile(r"[ .]*\S* *")  # a fence opener to remark: at most one word after it
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
    return warning(path, lineno, "code fence is never closed: it ends with its slide, where remark "
                                 "shows its lines as text, not code "
                                 f"(close it with a {marker} line before the next `---`)",
                   check="unclosed-fence")


def shorter_close(line: str, length: int, path: str, lineno: int, close: int) -> Diagnostic:
    char, opened = fence_opener(line) or ("`", 3)
    language = char * (opened - length) + line.strip()[opened:].strip(" .")
    return warning(path, lineno, f"code fence opened with {char * opened} is closed by the "
                                 f"{char * length} of line {close}: remark shows it as code up to "
                                 f"there, its language read as \"{language}\" (close it with "
                                 f"{char * opened})", check="unclosed-fence")


def split_slides(src: SourceLines, diagnostics: list[Diagnostic] | None = None) -> list[RawSlide]:
    """Slides, increments and notes on source lines, split where remark's lexer splits them
    (builder/markdown/lexer.py). A fence that its slide does not close is reported in
    `diagnostics` (a warning: remark shows its lines as text)."""
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
            diagnostics.extend(_glued_steps(slide, src, separators))
    return slides


def _glued_steps(slide: RawSlide, src: SourceLines, separators: dict[int, str]) -> Iterator[Diagnostic]:
    """remark joins a step's text to the step before it with no line break between: when
    neither the line before `--` (or before the earlier step's `???`) nor the line after it is
    empty, the two lines become one (`- a` then `- b` shows as `a- b`). Said, not mimicked."""
    for before, inc in zip(slide.increments, slide.increments[1:], strict=False):
        if inc.properties:
            continue  # remark takes the property lines away with the line break after them
        last = (before.notes_start if before.notes_start >= 0 else inc.start) - 2
        first = inc.start
        if (last >= 0 and first < len(src.lines) and src.lines[last] and src.lines[first]
                and last not in separators and first not in separators):
            yield warning(*src.where(first - 1), "remark joins the first line of this `--` step "
                          "to the line before it, as one line (add an empty line before or after "
                          "`--`)", check="glued-step")


def _unclosed_fences(slide: RawSlide, src: SourceLines) -> Iterator[Diagnostic]:
    """Fences that remark does not read as the author meant: one that nothing closes in its
    slide (shown as text), one of four backticks closed by three (shown with a wrong language)."""
    indexes = [i for inc in slide.increments for i in inc.visible]
    if not any("```" in src.lines[i] or "~~~" in src.lines[i] for i in indexes):
        return
    text = "\n".join(src.lines[i] for i in indexes)
    starts = [0]
    for i in indexes[:-1]:
        starts.append(starts[-1] + len(src.lines[i]) + 1)
    k = 0
    while k < len(indexes):
        line = src.lines[indexes[k]]
        opener = fence_opener(line)
        if opener is None or len(line) - len(line.lstrip(" ")) >= 4:
            k += 1
            continue
        start = starts[k] + len(line) - len(line.lstrip(" "))
        found = fence_at(text, start, len(text))
        if found is None:
            if _INFO_WORD_RE.fullmatch(line.strip()[opener[1]:]):  # else not even an opener
                yield unclosed_fence(line, *src.where(indexes[k]))
            k += 1
            continue
        close, length, _ = found
        end = bisect_right(starts, close) - 1
        if length < opener[1]:
            yield shorter_close(line, length, *src.where(indexes[k]), src.where(indexes[end])[1])
        k = end + 1


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
