"""Remark's highlighted spans in code: `X.X.X.X` between backticks inside a fence.

The audience sees the text highlighted without its backticks; lab runners type it without them.
"""

from __future__ import annotations

import re

HIGHLIGHT_RE = re.compile(r"`([^`\n]+)`")


def split_highlights(code: str) -> tuple[str, list[tuple[int, int]]]:
    """The code without highlight backticks, and the (start, end) ranges to highlight in it."""
    out: list[str] = []
    ranges: list[tuple[int, int]] = []
    last = 0
    size = 0
    for m in HIGHLIGHT_RE.finditer(code):
        out.append(code[last : m.start()])
        size += m.start() - last
        text = m.group(1)
        ranges.append((size, size + len(text)))
        out.append(text)
        size += len(text)
        last = m.end()
    out.append(code[last:])
    return "".join(out), ranges


def strip_highlights(code: str) -> str:
    return HIGHLIGHT_RE.sub(r"\1", code)
