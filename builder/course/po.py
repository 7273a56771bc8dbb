"""Reading a gettext catalog quickly, for rendering: Babel's answer, in a tenth of its time.

A build reads every chapter's catalog in every language, and Babel's PO parser (which builds a
full Catalog: locations, comments, flags, headers) took a tenth of a build. Rendering needs only
each message's id, translation, line and whether it is fuzzy. `quick_messages` reads the plain
form that catalogs almost always have (what `coursekit i18n update` and gettext's tools write):
comments, `msgid`/`msgstr` with their continuation lines, UTF-8. For anything else (plural
forms, contexts, obsolete `#~` entries, a message given twice, another charset, a line it does
not expect) it answers None, and the caller asks Babel, whose reading (and whose error, for a
broken file) is the reference. tests/course/test_po.py compares the two on generated files.
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r'\\([\\abfnrtv"])')
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_CHARSET = re.compile(r"charset\s*=\s*([^\s;]+)", re.I)

Message = tuple[str, str, int, bool]  # id, translation, line of its msgid (1-based), fuzzy


def _unescape(part: str) -> str:
    body = part[1:-1]
    if "\\" not in body:
        return body
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


class _Unsure(Exception):
    """Something Babel reads its own way: let it."""


def quick_messages(data: bytes) -> list[Message] | None:
    """Every message but the header, in file order, or None when Babel must read the file."""
    try:
        return _read(data)
    except (_Unsure, UnicodeDecodeError):
        return None


def _read(data: bytes) -> list[Message]:
    found: list[Message] = []
    seen: set[str] = set()
    msgid: list[str] | None = None  # the message being read: its id's parts...
    msgstr: list[str] | None = None  # ... and its translation's
    line_of_id = 0
    fuzzy = False  # flags belong to the message after them

    def finish() -> None:
        nonlocal msgid, msgstr, fuzzy
        if msgid is None:
            return
        if msgstr is None:
            raise _Unsure  # Babel: missing msgstr
        text = "".join(map(_unescape, msgid))
        if text in seen:
            raise _Unsure  # Babel merges the two
        seen.add(text)
        translation = "".join(map(_unescape, msgstr))
        if text:
            found.append((text, translation, line_of_id, fuzzy))
        else:
            charset = _CHARSET.search(translation)
            if charset and charset.group(1).lower() not in ("utf-8", "utf8", "charset"):
                raise _Unsure
        msgid = msgstr = None
        fuzzy = False

    for number, raw in enumerate(data.split(b"\n"), 1):
        raw = raw.strip()
        if not raw:
            continue
        line = raw.decode("utf-8")
        if line[0] == "#":
            if line[1:2] in ("-", "~"):
                raise _Unsure  # a merge conflict, an obsolete entry
            finish()
            if line[1:2] == ",":
                fuzzy = fuzzy or "fuzzy" in (f.strip() for f in line[2:].lstrip().split(","))
            continue
        if line[0] == '"':
            part = msgstr if msgstr is not None else msgid
            if part is None:
                raise _Unsure
            part.append(_quoted(line))
            continue
        keyword, _, arg = line.partition(" ")
        if keyword == "msgid":
            finish()
            msgid, line_of_id = [_quoted(arg.strip())], number
        elif keyword == "msgstr" and msgid is not None and msgstr is None:
            msgstr = [_quoted(arg.strip())]
        else:
            raise _Unsure  # plural forms, a context, a second msgstr, anything else
    finish()
    return found


def _quoted(part: str) -> str:
    if len(part) < 2 or part[0] != '"' or part[-1] != '"':
        raise _Unsure
    return part
