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
from bisect import bisect_right

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

from builder.diagnostics import warning
from builder.markdown.split import closes_fence, fence_opener

MACRO_NAME = r"([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\["
MACRO_RE = re.compile(r"\." + MACRO_NAME)
_INTERESTING = re.compile(r"[\[\]`\\\n]")
_BACKTICKS = re.compile(r"`+")


def find_close(src: str, pos: int, end: int) -> int:
    """Index of the `]` that closes a bracket opened just before `pos`, or -1.

    Brackets in code do not count; a fence is code only when it closes before `end` (an
    unclosed fence is no code to remark, whose own bracket matching never skips code). But
    authors balance an unpaired `[` shown in code with a `]` after the code on the same line
    (```` ```keys ^[``` ] ````, since remark counts every bracket): such a `]` pays for the
    code's `[` and does not close the macro either."""
    depth = 1
    fence: tuple[str, int] | None = None
    at_line_start = False
    owed = 0  # `[` left open inside code spans of the current line
    while pos < end:
        if at_line_start:
            eol = src.find("\n", pos, end)
            eol = end if eol < 0 else eol
            line = src[pos:eol]
            if fence is not None:
                if closes_fence(line, fence):
                    fence = None
                pos = eol + 1
                continue
            opener = fence_opener(line)
            if opener is not None and _fence_closes(src, eol + 1, end, opener):
                fence = opener
                pos = eol + 1
                continue
            at_line_start = False
        m = _INTERESTING.search(src, pos, end)
        if m is None:
            return -1
        pos = m.start()
        c = src[pos]
        if c == "\n":
            at_line_start = True
            owed = 0
            pos += 1
        elif c == "\\":
            pos += 2
        elif c == "`":
            run = _BACKTICKS.match(src, pos).group(0)  # type: ignore[union-attr]
            eol = src.find("\n", pos, end)
            eol = end if eol < 0 else eol
            closing = _find_run(src, run, pos + len(run), eol)
            if closing >= 0:
                code = src[pos + len(run):closing]
                owed += max(code.count("[") - code.count("]"), 0)
            pos = closing + len(run) if closing >= 0 else pos + len(run)
        elif c == "[":
            depth += 1
            pos += 1
        elif owed:
            owed -= 1
            pos += 1
        else:
            depth -= 1
            if depth == 0:
                return pos
            pos += 1
    return -1


def _fence_closes(src: str, pos: int, end: int, fence: tuple[str, int]) -> bool:
    while pos < end:
        eol = src.find("\n", pos, end)
        eol = end if eol < 0 else eol
        if closes_fence(src[pos:eol], fence):
            return True
        pos = eol + 1
    return False


def _find_run(src: str, run: str, start: int, end: int) -> int:
    """A backtick run of exactly len(run) between start and end (a code span's closer)."""
    for m in _BACKTICKS.finditer(src, start, end):
        if len(m.group(0)) == len(run):
            return m.start()
    return -1


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


def macro_inline(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "." or (pos > 0 and state.src[pos - 1].isalnum()):
        return False
    m = MACRO_RE.match(state.src, pos, state.posMax)
    if m is None:
        return False
    close = find_close(state.src, m.end(), state.posMax)
    if close < 0:
        return False
    if not silent:
        token = state.push("macro_inline_open", "span", 1)
        token.attrSet("class", _classes(m.group(1)))
        token.markup = m.group(0)
        token.info = m.group(1)
        old_max = state.posMax
        state.pos, state.posMax = m.end(), close
        state.md.inline.tokenize(state)
        state.posMax = old_max
        token = state.push("macro_inline_close", "span", -1)
        token.markup = "]"
        token.info = m.group(1)
    state.pos = close + 1
    return True


def _text_rule(md: MarkdownIt):
    """markdown-it's text rule, also stopping where a macro starts (but not at every '.')."""
    stop = re.compile(md.inline.terminator_re.pattern + r"|\.(?=" + MACRO_NAME + ")")

    def text(state: StateInline, silent: bool) -> bool:
        pos = state.pos
        m = stop.search(state.src, pos, state.posMax)
        end = m.start() if m else state.posMax
        if end == pos:
            return False
        if not silent:
            state.pending += state.src[pos:end]
        state.pos = end
        return True

    return text


def macros_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("fence", "macro", macro_block,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.inline.ruler.before("link", "macro", macro_inline)
    md.inline.ruler.at("text", _text_rule(md))
