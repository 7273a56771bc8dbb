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
import threading
from bisect import bisect_left, bisect_right
from collections import deque
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

from builder.diagnostics import warning
from builder.markdown.split import closes_fence, fence_opener

MACRO_NAME = r"([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\["
MACRO_RE = re.compile(r"\." + MACRO_NAME)
_INTERESTING = re.compile(r"[\[\]`\\\n]")
_BACKTICKS = re.compile(r"`+")


class _Memo(threading.local):
    """What scans of the text being parsed have learnt, per end of scan: where each bracket
    closes, and which lines can close a fence. Cleared when the parser moves to another text."""

    def __init__(self) -> None:
        self.src: str | None = None
        self.closes: dict[int, dict[int, int]] = {}  # end -> {pos after `[` -> its `]`, or -1}
        self.fences: dict[int, dict[int, tuple[int, int]]] = {}  # end -> {line start -> lengths}

    def of(self, src: str) -> _Memo:
        if src is not self.src:
            self.src, self.closes, self.fences = src, {}, {}
        return self


_MEMO = _Memo()


def find_close(src: str, pos: int, end: int) -> int:
    """Index of the `]` that closes a bracket opened just before `pos`, or -1.

    Brackets in code do not count; a fence is code only when it closes before `end` (an
    unclosed fence is no code to remark, whose own bracket matching never skips code). But
    authors balance an unpaired `[` shown in code with a `]` after the code on the same line
    (```` ```keys ^[``` ] ````, since remark counts every bracket): such a `]` pays for the
    code's `[` and does not close the macro either.

    Linear in the text however many macros it opens: a scan also settles every bracket it
    passes (from there on, a scan starting after that bracket would see exactly what this one
    sees, owing nothing to code before it), so a line of 50,000 unclosed `.a[` is scanned once,
    not 50,000 times."""
    memo = _MEMO.of(src)
    closes = memo.closes.setdefault(end, {})
    known = closes.get(pos)
    if known is not None:
        return known
    result = _scan(src, pos, end, closes, memo)
    closes[pos] = result
    return result


class _Group:
    """Open brackets that owe code spans the same number of `]` (the latest group owes none).

    A bracket's depth is `1 + opened - closed - key`, where `opened` counts every `[` of the scan
    and `closed` the `]` this group did not pay for; keys live in the group's frame."""

    __slots__ = ("closed", "members")

    def __init__(self) -> None:
        self.closed = 0
        self.members: deque[tuple[int, int]] = deque()  # (pos after the `[`, key), innermost last

    def below(self, lower: _Group) -> _Group:
        """This group with `lower`'s brackets under its own (they opened before), re-keying the
        smaller of the two: merging costs O(n log n) over a whole scan."""
        if len(lower.members) <= len(self.members):
            shift = lower.closed - self.closed
            self.members.extendleft((start, key + shift) for start, key in reversed(lower.members))
            return self
        shift = self.closed - lower.closed
        lower.members.extend((start, key + shift) for start, key in self.members)
        return lower


def _scan(src: str, pos: int, end: int, closes: dict[int, int], memo: _Memo) -> int:
    """The bracket opened before `pos`, and every bracket opened while looking for its `]`, in
    one pass. A `]` after a code span holding an unpaired `[` pays for it, but only for the
    brackets opened before that code span: brackets are grouped by what they still owe (each
    group owes less than the one before; the latest may owe nothing and is the only one a `]`
    closes), and groups that come to owe the same merge."""
    query = pos
    opened = 0
    zero: _Group | None = _Group()  # the brackets that owe nothing
    zero.members.append((pos, 0))
    paying: list[tuple[_Group, int]] = []  # (group, raw) earliest first; it owes raw + owed
    owed = 0
    fence: tuple[str, int] | None = None
    at_line_start = False

    def settle_line() -> None:  # a new line owes nothing: every group merges, in order
        nonlocal zero, owed
        for group, _ in reversed(paying):
            zero = group if zero is None else zero.below(group)
        paying.clear()
        owed = 0

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
            if opener is not None and _fence_closes(src, eol + 1, end, opener, memo):
                fence = opener
                pos = eol + 1
                continue
            at_line_start = False
        m = _INTERESTING.search(src, pos, end)
        if m is None:
            break
        pos = m.start()
        c = src[pos]
        if c == "\n":
            at_line_start = True
            settle_line()
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
                unpaired = max(code.count("[") - code.count("]"), 0)
                if unpaired:
                    if zero is not None and zero.members:
                        paying.append((zero, -owed))  # it owes `unpaired` from now on
                    zero = None
                    owed += unpaired
            pos = closing + len(run) if closing >= 0 else pos + len(run)
        elif c == "[":
            opened += 1
            if zero is None:
                zero = _Group()
            zero.members.append((pos + 1, opened - zero.closed))
            pos += 1
        else:
            if zero is not None and zero.members:
                zero.closed += 1
                start, key = zero.members[-1]
                if 1 + opened - zero.closed - key == 0:
                    zero.members.pop()
                    closes[start] = pos
                    if start == query:
                        return pos
            if paying:
                owed -= 1
                group, raw = paying[-1]
                if raw + owed == 0:  # it has paid all it owed: it closes brackets from now on
                    paying.pop()
                    zero = group if zero is None else zero.below(group)
            pos += 1
    for group in [g for g, _ in paying] + ([zero] if zero is not None else []):
        for start, _ in group.members:
            closes[start] = -1
    return -1


def _fence_closes(src: str, pos: int, end: int, fence: tuple[str, int], memo: _Memo) -> bool:
    """Whether a line from `pos` on (before `end`) closes `fence`: from a table of the longest
    closing line of each kind after every line start, built once per text and end."""
    table = memo.fences.get(end)
    if table is None:
        table = memo.fences[end] = _fence_table(src, end)
    longest = table.get(pos, (0, 0))
    return longest[0 if fence[0] == "`" else 1] >= fence[1]


def _fence_table(src: str, end: int) -> dict[int, tuple[int, int]]:
    """Line start -> the longest ``` and ~~~ lines that could close a fence there or after."""
    starts = [0]
    at = src.find("\n", 0, end)
    while at >= 0:
        starts.append(at + 1)
        at = src.find("\n", at + 1, end)
    table: dict[int, tuple[int, int]] = {}
    ticks = tildes = 0
    stop = end
    for start in reversed(starts):
        line = src[start:stop].strip()
        stop = max(start - 1, 0)
        if line and line == line[0] * len(line):
            if line[0] == "`":
                ticks = max(ticks, len(line))
            elif line[0] == "~":
                tildes = max(tildes, len(line))
        table[start] = (ticks, tildes)
    return table


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


# A run of `.name` parts: every `.` in it starts a macro when the run ends with `[`.
_CHAIN = re.compile(r"(?:\.[A-Za-z_][\w-]*+)++")


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
    if src[pos] != "." or (pos > 0 and src[pos - 1].isalnum()):
        return False
    bracket = macro_starts(src)[1].get(pos)
    if bracket is None or bracket >= state.posMax:
        return False
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
