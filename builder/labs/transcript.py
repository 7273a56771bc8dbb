"""What the terminal showed, kept within bounds whatever a step prints.

A lab step can print without end: `yes`, a flood of NUL bytes, a log followed with `-f`. The
session keeps only a rolling window of the latest output, addressed by absolute positions so that
"since this step started" keeps its meaning after old text is dropped, and it searches only what
arrived since its last look. Each step keeps the tail of its own output for the reports, and
whatever is shown to people has its control characters escaped: a report can neither drive the
reader's terminal nor break an XML file.
"""

from __future__ import annotations

import re

WINDOW_CHARS = 1 << 20  # the latest output that `wait`, `copy` and the prompt marker can see
STEP_CHARS = 64 << 10  # the tail of each step's output kept for the reports

# C0 and C1 controls but newline and tab, and the invisible characters that reorder or hide text.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f"
                          "\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control or invisible character written as `\\xNN` or `\\uNNNN`."""
    return _UNPRINTABLE.sub(_escape, text)


def cut(line: str, width: int) -> str:
    """At most `width` characters: the start and the end of the line (where a progress bar or an
    error message ends up), and how many characters were left out between them."""
    if len(line) <= width:
        return line
    keep = width
    while keep > 0:
        note = f" …[{len(line) - keep:,} characters]… "
        if keep + len(note) <= width:
            head = keep // 2
            return line[:head] + note + line[len(line) - (keep - head):]
        keep = width - len(note)
    return line[:width]


class Transcript:
    """The terminal's output as one growing text of which only the latest part is kept."""

    def __init__(self, window: int = WINDOW_CHARS) -> None:
        self.window = window
        self._chunks: list[str] = []
        self._kept = 0  # characters in _chunks
        self.start = 0  # absolute position of the first character kept

    @property
    def end(self) -> int:
        """Absolute position after the last character received."""
        return self.start + self._kept

    def append(self, text: str) -> None:
        if not text:
            return
        self._chunks.append(text)
        self._kept += len(text)
        if self._kept > 2 * self.window:
            self._trim()

    def _trim(self) -> None:
        while self._chunks and self._kept - len(self._chunks[0]) >= self.window:
            first = self._chunks.pop(0)
            self._kept -= len(first)
            self.start += len(first)
        if self._kept > 2 * self.window:  # one huge chunk
            text = "".join(self._chunks)
            drop = len(text) - self.window
            self._chunks, self._kept, self.start = [text[drop:]], self.window, self.start + drop

    def since(self, position: int) -> str:
        """The kept text from absolute `position` (from the oldest kept, if that is gone)."""
        position = max(position, self.start)
        need, parts = self.end - position, []
        for chunk in reversed(self._chunks):
            if need <= 0:
                break
            parts.append(chunk if len(chunk) <= need else chunk[len(chunk) - need :])
            need -= len(chunk)
        return "".join(reversed(parts))

    def tail(self, chars: int) -> str:
        return self.since(self.end - chars)


class Scanner:
    """Looks for text or a pattern in what arrives from `position` on, reading each part once
    (plus an overlap, for a match split across two reads)."""

    def __init__(self, transcript: Transcript, position: int, overlap: int) -> None:
        self.transcript = transcript
        self.position = position
        self.overlap = overlap
        self._scanned = position

    def find(self, needle: str) -> bool:
        begin = max(self.position, self._scanned - len(needle) + 1)
        found = needle in self.transcript.since(begin)
        self._scanned = self.transcript.end
        return found

    def search(self, pattern: re.Pattern[str]) -> tuple[re.Match[str], int] | None:
        """The first match of `pattern` in the new text, with the absolute position of its end."""
        begin = max(self.position, self._scanned - self.overlap, self.transcript.start)
        found = pattern.search(self.transcript.since(begin))
        self._scanned = self.transcript.end
        return (found, begin + found.end()) if found else None


def step_output(transcript: Transcript, begin: int, limit: int = STEP_CHARS) -> str:
    """What a step printed (from absolute `begin`), its tail only when it printed too much."""
    total = transcript.end - begin
    text = transcript.since(max(begin, transcript.end - limit))
    if total > len(text):
        text = f"[{total - len(text):,} earlier characters of output not kept]\n" + text
    return text
