"""Where remark's Markdown differs from CommonMark, and courses rely on remark's reading.

remark renders slides with its own early `marked`, not CommonMark. Most of the two agree; where
they part on something real courses write, the slide must read as the course's audience saw
it in remark (found by running remark on small decks, tools/remark-slides.js):

- `1)` starts no list: the line is text (`1) Prepare the machine` keeps its `1)`).
- A line that starts with an inline tag (`<br/>`, `<img ...>`, `<span>`, `<b>`, ...) starts no
  HTML block: it is text of its paragraph, so the Markdown and macros after it on the next
  lines are read (`.footnote[<br/>` then `.red[*]text`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

# Tags that marked reads inline, never as the start of an HTML block.
_INLINE_TAG_RE = re.compile(
    r"</?(?:a|em|strong|small|s|cite|q|dfn|abbr|data|time|code|var|samp|kbd|sub|sup|i|b|u|mark|"
    r"ruby|rt|rp|bdi|bdo|span|br|wbr|ins|del|img)(?=[\s/>])", re.I)
_PAREN_ITEM_RE = re.compile(r"\d{1,9}\)")

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


def marked_plugin(md: MarkdownIt) -> None:
    for name, wrap in (("list", _no_paren_lists), ("html_block", _no_inline_tag_blocks)):
        rule = next(r for r in md.block.ruler.__rules__ if r.name == name)
        md.block.ruler.at(name, wrap(rule.fn), {"alt": list(rule.alt)})
