"""Where remark's Markdown differs from CommonMark, and courses rely on remark's reading.

remark renders slides with its own early `marked`, not CommonMark. Most of the two agree; where
they part on something real courses write, the slide must read as the course's audience saw
it in remark (found by running remark on small decks, tools/remark-slides.js):

- `1)` starts no list: the line is text (`1) Prepare the machine` keeps its `1)`).
- A line that starts with an inline tag (`<br/>`, `<img ...>`, `<span>`, `<b>`, ...) starts no
  HTML block: it is text of its paragraph, so the Markdown and macros after it on the next
  lines are read (`.footnote[<br/>` then `.red[*]text`).
- Fences: the opener has at most one word after its marks (`[ .]*` before it); the first later
  run of the same marks that ends a line closes it, even after text on that line (`foo```),
  and even when the lines between are less indented than the list item holding the fence
  (output pasted at column 0). An opener of four backticks that no four close is read as one of
  three with an info word that starts with the fourth (````` ````bash ````` closed by
  ```` ``` ```` shows as code). A fence that nothing closes is no fence: its lines are text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

# Tags that marked reads inline, never as the start of an HTML block.
_INLINE_TAG_RE = re.compile(
    r"</?(?:a|em|strong|small|s|cite|q|dfn|abbr|data|time|code|var|samp|kbd|sub|sup|i|b|u|mark|"
    r"ruby|rt|rp|bdi|bdo|span|br|wbr|ins|del|img)(?=[\s/>])", re.I)
_PAREN_ITEM_RE = re.compile(r"\d{1,9}\)")
_FENCE_RE = re.compile(r"(`{3,}|~{3,})(.*)$")
_INFO_RE = re.compile(r"[ .]*(\S*) *")


def fence_at(text: str, start: int, limit: int) -> tuple[int, int, str] | None:
    """The fence remark reads from the line starting at `start` (its indentation skipped), up to
    `limit`: (where its closing marks start, their length, its info word), or None."""
    eol = text.find("\n", start, limit)
    if eol < 0:
        return None
    m = _FENCE_RE.match(text, start, eol)
    if m is None:
        return None
    run, after = m.group(1), m.group(2)
    for length in range(len(run), 2, -1):
        info = _INFO_RE.fullmatch(run[length:] + after)
        if info is None:
            continue
        end = _closing_runs(text, run[0]).first(eol + 1, length, limit)
        if end >= 0:
            return end - length, length, info.group(1)
    return None


class _Runs:
    """The lines of a text that end with a run of one fence mark (spaces after it allowed):
    where each run ends and how long it is. The first that can close a fence is found without
    reading the lines between (thousands of fences that nothing closes would be quadratic)."""

    def __init__(self, text: str, mark: str) -> None:
        self.ends: list[int] = []
        self.lengths: list[int] = []
        for m in re.finditer(re.escape(mark) + r"+(?= *(?:\n|$))", text):
            self.ends.append(m.end())
            self.lengths.append(len(m.group(0)))
        self._next: dict[int, list[int]] = {}  # length -> next run at least that long

    def first(self, pos: int, length: int, limit: int) -> int:
        """End of the first run of at least `length` marks starting at or after `pos` and
        ending by `limit`, or -1."""
        i = bisect_left(self.ends, pos + length)
        table = self._next.get(length)
        if table is None:
            table = [len(self.ends)] * (len(self.ends) + 1)
            for k in range(len(self.ends) - 1, -1, -1):
                table[k] = k if self.lengths[k] >= length else table[k + 1]
            self._next[length] = table
        k = table[i]
        if k < len(self.ends) and self.ends[k] <= limit:
            return self.ends[k]
        return -1


@lru_cache(maxsize=16)
def _closing_runs(text: str, mark: str) -> _Runs:
    return _Runs(text, mark)


BlockRule = Callable[[StateBlock, int, int, bool], bool]


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]: state.eMarks[line]]


def _no_paren_lists(rule: BlockRule) -> BlockRule:
    def list_rule(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
        if _PAREN_ITEM_RE.match(_line(state, startLine)):
            return False
        return rule(state, startLine, endLine, silent)
    return list_rule


def _no_inline_tag_blocks(rule: BlockRule) -> BlockRule:
    def html_block(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
        if _INLINE_TAG_RE.match(_line(state, startLine)):
            return False
        return rule(state, startLine, endLine, silent)
    return html_block


def fence(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    if state.is_code_block(startLine):
        return False
    start = state.bMarks[startLine] + state.tShift[startLine]
    if state.src[start:start + 3] not in ("```", "~~~"):
        return False
    found = fence_at(state.src, start, state.eMarks[endLine - 1])
    if found is None:
        return False
    if silent:
        return True
    close, length, info = found
    close_line = startLine + 1
    while close_line + 1 < endLine and state.bMarks[close_line + 1] <= close:
        close_line += 1
    indent = state.sCount[startLine]
    body = state.getLines(startLine + 1, close_line, indent, True)
    line_start = state.bMarks[close_line]
    head = state.src[line_start:close]  # text before the closing marks on their line
    body += head[min(len(head) - len(head.lstrip(" ")), indent):]
    token = state.push("fence", "code", 0)
    token.info = info
    token.content = body.rstrip() + "\n" if body.strip() else ""
    token.markup = state.src[start:start + length]
    token.map = [startLine, close_line + 1]
    state.line = close_line + 1
    return True


def marked_plugin(md: MarkdownIt) -> None:
    for name, wrap in (("list", _no_paren_lists), ("html_block", _no_inline_tag_blocks)):
        rule = next(r for r in md.block.ruler.__rules__ if r.name == name)
        md.block.ruler.at(name, wrap(rule.fn), {"alt": list(rule.alt)})
    rule = next(r for r in md.block.ruler.__rules__ if r.name == "fence")
    md.block.ruler.at("fence", fence, {"alt": list(rule.alt)})
