"""Code blocks: Pygments tokens plus remark's backtick highlights, as one HTML string.

Pygments' own HtmlFormatter cannot mark arbitrary character ranges, and highlights must survive
whatever token boundaries the lexer picks, so this small formatter walks the token stream itself.
"""

from __future__ import annotations

import contextlib
from functools import cache, lru_cache
from html import escape
from typing import TYPE_CHECKING

from builder.cachefiles import cache_root, digest, read_frame, write_frame
from builder.course.cache import distributions
from builder.markdown.highlight import split_highlights

if TYPE_CHECKING:
    from pygments.lexer import Lexer
    from pygments.token import _TokenType

# Pygments is imported where it is used: a rebuild whose code blocks were all highlighted
# before (see `remember`) and whose stylesheet is kept (see `pygments_css`) never loads it,
# which spares an edit's rebuild 10 ms.

CSS_SCOPE = ".code"
# Lab directives are not languages; show them as plain text.
PLAIN = frozenset({"", "text", "plain", "wait", "longwait", "key", "keys", "copy", "paste",
                   "check", "hide", "open", "tmux"})


@cache
def _lexer(lang: str) -> Lexer | None:
    if lang in PLAIN:
        return None
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(lang, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


@cache
def _css_class(ttype: _TokenType) -> str:
    from pygments.token import STANDARD_TYPES

    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return STANDARD_TYPES[ttype]


Highlights = dict[tuple[str, str], str]  # (language, code) -> HTML

_KNOWN: Highlights = {}


def remember(known: Highlights) -> None:
    """Highlights an earlier build made, with this same code and Pygments (the build cache
    says so): a chapter edited in one slide has its other blocks as they were, and loading a
    lexer costs more than rendering the chapter (Pygments compiles its regular expressions)."""
    _KNOWN.update((k, v) for k, v in known.items()
                  if isinstance(k, tuple) and len(k) == 2 and all(isinstance(x, str) for x in k)
                  and isinstance(v, str))


def highlight(code: str, lang: str) -> str:
    """HTML for the inside of `<code>`: escaped, colourised, backtick spans in `<mark>`."""
    known = _KNOWN.get((lang, code))
    return known if known is not None else _highlight(code, lang)


@lru_cache(maxsize=4096)
def _highlight(code: str, lang: str) -> str:
    text, marks = split_highlights(code)
    lexer = _lexer(lang.lower())
    tokens = [("", text)] if lexer is None else [
        (_css_class(t), v) for t, v in lexer.get_tokens(text)]
    out: list[str] = []
    pos = 0
    mi = 0
    for cls, value in tokens:
        end = pos + len(value)
        cut = pos
        while cut < end:
            while mi < len(marks) and marks[mi][1] <= cut:
                mi += 1
            inside = mi < len(marks) and marks[mi][0] <= cut
            if inside:
                nxt = min(end, marks[mi][1])
            elif mi < len(marks):
                nxt = min(end, marks[mi][0])
            else:
                nxt = end
            piece = escape(value[cut - pos : nxt - pos], quote=False)
            if cls and cls != "w":  # whitespace needs no colour
                piece = f'<span class="{cls}">{piece}</span>'
            out.append(f"<mark>{piece}</mark>" if inside else piece)
            cut = nxt
        pos = end
    return "".join(out)


@cache
def pygments_css(style: str = "default") -> str:
    """Pygments' stylesheet for code blocks, kept beside the build cache for this version of
    Pygments (every deck inlines it; making it loads Pygments' formatters)."""
    version = [d for d in distributions() if d.lower().startswith("pygments-")]
    memo = cache_root() / f"pygments-{digest(version, style, CSS_SCOPE)}.css"
    body = read_frame(memo) if version else None
    if body is not None:
        with contextlib.suppress(UnicodeDecodeError):
            return body.decode("utf-8")
    from pygments.formatters import HtmlFormatter

    css = HtmlFormatter(style=style).get_style_defs(CSS_SCOPE)
    if version:
        with contextlib.suppress(OSError):  # no memo: the next build makes it again
            write_frame(memo, css.encode("utf-8"))
    return css
