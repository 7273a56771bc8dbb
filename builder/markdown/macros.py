"""Remark's `.name[ ... ]` macros as markdown-it rules.

A macro wraps its content in an element of CSS class `name`. Written inline (`.red[text]`) it is
a span; when its closing bracket is on a later line it is a block (`.lab[` ... `]`) whose content
is parsed as Markdown blocks, lists and fences included. Brackets inside code fences and code
spans do not count, so `kubectl get pods -o jsonpath='{.items[0]}'` in a lab is harmless.

A macro whose `]` never comes is left as text, as remark leaves it (`.exercise[` shows as
those characters and the rest of the slide as ordinary Markdown): a warning says so, since the
lab it opened is lost. Lab macros (a course setting, `env["labs"]`) also get the class `lab`,
so that `.exercise[` is styled as a lab.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

from builder.diagnostics import warning
from builder.markdown.lexer import CODE_LINE_RE, brackets
from builder.markdown.split import closes_fence, fence_opener

MACRO_NAME = r"([A-Za-z_-][A-Za-z0-9_-]*(?:\.[A-Za-z_-][A-Za-z0-9_-]*)*)\["  # ASCII, as in remark
MACRO_RE = re.compile(r"\." + MACRO_NAME)


# The lexer's pairs of balancing brackets, kept for the few texts being parsed: every macro of a
# text looks its `]` up there (a line of 50,000 unclosed `.a[` costs one pass, not 50,000).
_bracket_pairs = lru_cache(maxsize=8)(brackets)


def find_close(src: str, pos: int, end: int) -> int:
    """Index of the `]` that balances a bracket opened just before `pos` and comes before
    `end`, or -1.

    remark counts every bracket, in code, comments and escapes too (builder/markdown/lexer.py):
    authors balance an unpaired `[` shown in code with a `]` after it
    (```` ```keys ^[``` ] ````), and a `]` in code closes the macro there."""
    close = _bracket_pairs(src).get(pos - 1, -1)
    return close if 0 <= close < end else -1


def closes_in_code(src: str, start: int, close: int) -> bool:
    """Whether the `]` at `close` (of a macro whose text starts at `start`) sits in code: in a
    fence opened since `start`, or in a code span of its line."""
    fence: tuple[str, int] | None = None
    line_start = src.rfind("\n", 0, close) + 1
    for line in src[start:line_start].split("\n"):
        if fence is not None:
            if closes_fence(line, fence):
                fence = None
        else:
            fence = fence_opener(line)
    if fence is not None:
        return True
    before = src[max(line_start, start):close]
    return before.count("`") % 2 == 1


def _classes(names: str) -> str:
    return " ".join(names.split("."))


def _set_line_start(state: StateBlock, line: int, pos: int) -> None:
    """Make `line` begin at `pos`, as if the text before it were not there."""
    state.bMarks[line] = pos
    eol = state.eMarks[line]
    shift = len(state.src[pos:eol]) - len(state.src[pos:eol].lstrip(" \t"))
    state.tShift[line] = shift
    state.sCount[line] = state.blkIndent + shift
    state.bsCount[line] = 0


def macro_block(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    if state.sCount[startLine] - state.blkIndent >= 4:
        return False
    start = state.bMarks[startLine] + state.tShift[startLine]
    m = MACRO_RE.match(state.src, start, state.eMarks[startLine])
    if m is None:
        return False
    if CODE_LINE_RE.match(state.src, state.src.rfind("\n", 0, start) + 1):
        return False  # on a line indented as code: remark starts no macro there
    limit = state.eMarks[endLine - 1]
    close = find_close(state.src, m.end(), limit)
    if close < 0:
        if not state.env.get("autoclose"):
            if not silent and "diagnostics" in state.env:
                _unclosed(state, startLine, m.group(1))
            return False  # remark leaves it as text
        close_line = endLine - 1
    else:
        close_line = bisect_right(state.bMarks, close, startLine, endLine) - 1
        if close_line == startLine:
            return False  # opens and closes on one line: an inline macro in a paragraph
    if silent:
        return True
    if close >= 0 and "diagnostics" in state.env and closes_in_code(state.src, m.end(), close):
        path, lineno = state.env["where"](close_line)
        state.env["diagnostics"].append(warning(
            path, lineno, f"this `]` in code closes the macro .{m.group(1)}[ (remark counts every "
            "bracket, in code too): what follows is outside it; balance the brackets of the code "
            "(e.g. add a `]` after the code that opens one)", check="macro-closed-in-code"))

    orig_end = state.eMarks[close_line]
    inner_start = startLine
    if state.src[m.end() : state.eMarks[startLine]].strip():
        _set_line_start(state, startLine, m.end())
    else:
        inner_start = startLine + 1
    inner_end = endLine
    if close >= 0:
        inner_end = close_line
        if state.src[state.bMarks[close_line] : close].strip():
            state.eMarks[close_line] = close
            inner_end = close_line + 1

    token = state.push("macro_open", "div", 1)
    classes = _classes(m.group(1))
    if m.group(1).split(".")[0] in state.env.get("labs", ()) and "lab" not in classes.split():
        classes += " lab"  # an older or custom lab macro, styled as a lab
    token.attrSet("class", classes)
    token.markup = m.group(0)
    token.info = m.group(1)
    token.map = [startLine, close_line + 1]
    token.block = True

    old_parent, old_max = state.parentType, state.lineMax
    state.parentType = "macro"  # type: ignore[assignment]
    state.lineMax = inner_end
    state.md.block.tokenize(state, inner_start, inner_end)
    state.parentType, state.lineMax = old_parent, old_max

    token = state.push("macro_close", "div", -1)
    token.markup = "]"
    token.info = m.group(1)
    token.block = True

    state.eMarks[close_line] = orig_end
    if close >= 0 and state.src[close + 1 : orig_end].strip():
        _set_line_start(state, close_line, close + 1)  # text after `]` starts a new block
        state.line = close_line
    else:
        state.line = close_line + 1
    return True


def _unclosed(state: StateBlock, line: int, name: str) -> None:
    path, lineno = state.env["where"](line)
    is_lab = name.split(".")[0] in state.env.get("labs", ())
    lost = " and the lab it opens is lost to any runner" if is_lab else ""
    state.env["diagnostics"].append(warning(
        path, lineno, f"macro .{name}[ is never closed (missing `]`): remark shows it as text"
        f"{lost}; close it with a `]` line", check="unclosed-macro"))


# A run of `.name` parts: every `.` in it starts a macro when the run ends with `[`.
_CHAIN = re.compile(r"(?:\.[A-Za-z_-][A-Za-z0-9_-]*+)++")  # names as MACRO_NAME


@lru_cache(maxsize=8)
def macro_starts(src: str) -> tuple[list[int], dict[int, int]]:
    """Each `.` of `src` that a macro name follows, and the `[` after that name, found in one
    pass: looking ahead from every `.` instead costs the length of the run of names after it
    (`a.b.a.b...`, quadratic)."""
    dots: list[int] = []
    brackets: dict[int, int] = {}
    for m in _CHAIN.finditer(src):
        if src.startswith("[", m.end()):
            for i, ch in enumerate(m.group(0)):
                if ch == ".":
                    dots.append(m.start() + i)
                    brackets[m.start() + i] = m.end()
    return dots, brackets


def macro_inline(state: StateInline, silent: bool) -> bool:
    pos, src = state.pos, state.src
    if src[pos] != ".":
        return False  # after any character: `authenticate.red[¹]` is a macro to remark
    bracket = macro_starts(src)[1].get(pos)
    if bracket is None or bracket >= state.posMax:
        return False
    code_lines = state.env.get("code_lines")
    if code_lines and bisect_left(_newlines(src), pos) in code_lines:
        return False  # on a line indented as code: remark starts no macro there
    close = find_close(src, bracket + 1, state.posMax)
    if close < 0:
        return False
    if not silent:
        name = src[pos + 1:bracket]
        token = state.push("macro_inline_open", "span", 1)
        token.attrSet("class", _classes(name))
        token.markup = src[pos:bracket + 1]
        token.info = name
        old_max = state.posMax
        state.pos, state.posMax = bracket + 1, close
        state.md.inline.tokenize(state)
        state.posMax = old_max
        token = state.push("macro_inline_close", "span", -1)
        token.markup = "]"
        token.info = name
    state.pos = close + 1
    return True


def _text_rule(md: MarkdownIt):
    """markdown-it's text rule, also stopping where a macro starts (but not at every '.')."""
    terminator = md.inline.terminator_re

    def text(state: StateInline, silent: bool) -> bool:
        pos, src = state.pos, state.src
        m = terminator.search(src, pos, state.posMax)
        end = m.start() if m else state.posMax
        dots, brackets = macro_starts(src)
        i = bisect_left(dots, pos)
        if i < len(dots) and dots[i] < end and brackets[dots[i]] < state.posMax:
            end = dots[i]
        if end == pos:
            return False
        if not silent:
            state.pending += src[pos:end]
        state.pos = end
        return True

    return text


@lru_cache(maxsize=8)
def _newlines(src: str) -> list[int]:
    """Where each line of `src` ends: a position's line number is a bisection, not a count."""
    return [m.start() for m in re.finditer("\n", src)]


@lru_cache(maxsize=8)
def _closing_brackets(src: str) -> list[int]:
    return [m.start() for m in re.finditer(r"\]", src)]


def _needs_a_close(rule):
    """markdown-it's link or image rule, skipped where no `]` follows: a label needs one, and
    looking for it from each of thousands of unclosed `.a[` costs more than the whole parse."""
    def guarded(state: StateInline, silent: bool) -> bool:
        closing = _closing_brackets(state.src)
        i = bisect_left(closing, state.pos)
        if i == len(closing) or closing[i] >= state.posMax:
            return False
        return rule(state, silent)

    return guarded


def macros_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("fence", "macro", macro_block,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.inline.ruler.before("link", "macro", macro_inline)
    md.inline.ruler.at("text", _text_rule(md))
    for name in ("link", "image"):
        rule = next(r.fn for r in md.inline.ruler.__rules__ if r.name == name)
        md.inline.ruler.at(name, _needs_a_close(rule))
