"""Where remark's separators count: the spans its lexer reads as one piece before any Markdown.

remark reads a deck in two passes. First a lexer walks the raw text and takes, in one piece
each: indented code lines, backtick code spans, fenced blocks, and macros; only outside those
pieces is a `---`, `--` or `???` line a separator. Then each slide's text goes to Markdown.
These are its rules, found by running remark (tools/remark-slides.js) on small decks:

- A macro `.name[` runs to the `]` that balances it, counting every bracket after it: brackets
  in code, in comments, escaped ones. Nothing inside it separates slides, even lines that
  would (`--` in a lab). A macro that nothing balances is text, and the scan goes on after it.
  `\\.name[` (escaped) is no macro, but its balanced text is still one piece.
- A code span is a backtick, at least one other character, the next backtick, across lines if
  need be: a stray backtick hides the separators up to the next one.
- A fence opens on a line of three or more backticks or tildes with at most one word after
  them, and closes at the first later run of the same marker that ends a line, even mid-line
  or after other backticks. A longer opener that nothing of its length closes is read as a
  shorter one whose info word starts with the extra marks. An opener that nothing closes is
  text.
- A line indented by four spaces (and not blank) is code: no macro, code span or fence starts
  on it.
- Separators are lines that are exactly `---`, `--` or `???`.

Macro names are `[A-Za-z_-][A-Za-z0-9_-]*`, dotted for several classes; one may follow any
character (`authenticate.red[¹]` is a macro to remark).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

SEPARATORS = ("---", "--", "???")
OPENER_RE = re.compile(r"\\?((?:\.[A-Za-z_-][A-Za-z0-9_-]*)+)\[")
_FENCE_RE = re.compile(r" *(`{3,}|~{3,})")
_INFO_RE = re.compile(r" *\S* *")
CODE_LINE_RE = re.compile(r" {4}.")  # a line remark reads as code: no macro starts on it
# A run of `.name` parts, read once: every `.` in it opens a macro when a `[` follows the run.
_CHAIN_RE = re.compile(r"(?:\.[A-Za-z_-][A-Za-z0-9_-]*+)++")
# What the lexer stops at, macro openers aside (they are found once, from _CHAIN_RE: a regex
# looking for them from every `.` of `a.ba.ba.b...` is quadratic): a separator line, a line of
# indented code, a line that may open a fence, a backtick (line forms first at a line start).
_TOKEN_RE = re.compile(r"(?P<sep>^(?:---|--|\?\?\?)$)|(?P<code>^ {4}.+$)|(?P<fence>^ *(?:`{3,}|~{3,}).*$)"
                       r"|(?P<inline>`)", re.M)


@dataclass(slots=True)
class Lexed:
    separators: dict[int, str] = field(default_factory=dict)  # line index -> `---`, `--`, `???`
    macros: dict[int, int] = field(default_factory=dict)  # offset of the opener's `.` -> its `]`
    unbalanced: list[int] = field(default_factory=list)  # offsets of openers nothing balances


def brackets(text: str) -> dict[int, int]:
    """Each `[` -> the `]` that balances it, counting every bracket (as remark does)."""
    closes: dict[int, int] = {}
    stack: list[int] = []
    for m in re.finditer(r"[\[\]]", text):
        if m.group(0) == "[":
            stack.append(m.start())
        elif stack:
            closes[stack.pop()] = m.start()
    return closes


def lex(text: str) -> Lexed:
    """Separators and macros of a chapter's text, as remark's lexer finds them."""
    return _Scanner(text).run()


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.closes = brackets(text)
        self.enders: dict[str, list[int]] = {}  # marker -> where it ends a line
        self.openers = [m.start() + i for m in _CHAIN_RE.finditer(text)
                        if text.startswith("[", m.end())
                        for i, ch in enumerate(m.group()) if ch == "."]
        self.found: dict[int, tuple[int, re.Match[str] | None]] = {}  # end -> (from, next token)
        self.out = Lexed()

    def token(self, pos: int, end: int) -> tuple[str, int, int] | None:
        """The next thing to read in text[pos:end]: its kind, start and end. A token found
        earlier is reused while the scan has not passed it (a line of 50,000 `.a[` would
        otherwise search the rest of the text from each)."""
        text = self.text
        cached = self.found.get(end)
        if cached is not None and cached[0] <= pos and (cached[1] is None or cached[1].start() >= pos):
            m = cached[1]
        else:
            m = _TOKEN_RE.search(text, pos, end)
            self.found[end] = (pos, m)
        start = self.opener(pos, end)
        if start < end and (m is None or start < m.start()):
            return "inline", start, start + 1
        if m is None:
            return None
        return m.lastgroup or "", m.start(), m.end()

    def opener(self, pos: int, end: int) -> int:
        """Where the first macro opener in text[pos:end] starts (its `\\` if escaped), or `end`."""
        k = bisect_left(self.openers, pos)
        if k == len(self.openers) or self.openers[k] >= end:
            return end
        dot = self.openers[k]
        return dot - 1 if dot > pos and self.text[dot - 1] == "\\" else dot

    def line_of(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def line_end(self, pos: int) -> int:
        end = self.text.find("\n", pos)
        return len(self.text) if end < 0 else end

    def run(self) -> Lexed:
        self.scan(0, len(self.text), top=True)
        return self.out

    def scan(self, pos: int, end: int, top: bool) -> None:
        """Read text[pos:end]; separators count only at the top (outside any macro)."""
        text = self.text
        while pos < end:
            found = self.token(pos, end)
            if found is None:
                return
            kind, start, stop = found
            if kind == "sep":
                if top:
                    self.out.separators[self.line_of(start)] = text[start:stop]
                pos = stop
            elif kind == "code":
                pos = stop
            elif kind == "fence":
                after = self._fence(start, stop, end)
                if after is not None:
                    pos = after
                    continue
                # no fence: the line is text, its backticks and macros read as such
                tick = text.find("`", start, stop)
                inner = min(tick if tick >= 0 else stop, self.opener(start, stop))
                pos = stop if inner >= stop else self._inline(inner, end)
            else:
                pos = self._inline(start, end)

    def _fence(self, pos: int, eol: int, end: int) -> int | None:
        """Where a fence opened on this line ends (the start of the line after it), if it does."""
        if eol >= end:
            return None  # an opener must end its line
        m = _FENCE_RE.match(self.text, pos, eol)
        if m is None:
            return None
        run, rest = m.group(1), self.text[m.end():eol]
        for length in range(len(run), 2, -1):
            # A shorter run leaves its extra marks in front of the info word.
            info = rest if length == len(run) else run[length:] + rest
            if not _INFO_RE.fullmatch(info):
                continue
            close = self._fence_close(run[0] * length, eol + 2, end)
            if close is not None:
                return close
        return None

    def _fence_close(self, marker: str, start: int, end: int) -> int | None:
        """The line after the first `marker` from `start` on that ends its line (or the text
        being read: a macro's content ends at its `]`)."""
        enders = self.enders.get(marker)
        if enders is None:
            pattern = re.compile("(?=" + re.escape(marker) + " *(?:\n|$))")
            enders = self.enders[marker] = [m.start() for m in pattern.finditer(self.text)]
        k = bisect_right(enders, start - 1)
        best = enders[k] if k < len(enders) and enders[k] + len(marker) <= end else None
        if end < len(self.text):  # a macro's text ends at its `]`: marks just before it close
            stop = end
            while stop > start and self.text[stop - 1] == " ":
                stop -= 1
            at = stop - len(marker)
            if at >= start and self.text.startswith(marker, at):
                best = at if best is None else min(best, at)
        if best is None:
            return None
        return min(self.line_end(best) + 1, end)

    def _inline(self, pos: int, end: int) -> int:
        """Read what starts at `pos` (a backtick, or a macro opener); return where to go on."""
        text = self.text
        if text[pos] == "`":
            if pos + 1 < end and text[pos + 1] != "`":
                close = text.find("`", pos + 1, end)
                if close >= 0:
                    return close + 1
            return pos + 1
        m = OPENER_RE.match(text, pos, end)
        if m is None:
            return pos + 1
        escaped = text[pos] == "\\"
        close = self.closes.get(m.end() - 1)
        if close is None or close >= end:
            if not escaped:
                self.out.unbalanced.append(m.start(1))
            return m.end()
        if not escaped:
            self.out.macros[m.start(1)] = close
            self.scan(m.end(), close, top=False)
        return close + 1
