"""`--` increments without parsing the same text again and again.

An increment shows the first lines of its slide's final text. Rather than parse every cumulative
text (slides with many `--` steps cost a parse per step), the final text is parsed once and each
earlier increment takes the tokens that start before its last line, closing what is still open.
When a block straddles the cut (a paragraph continued after `--`), the caller parses instead.
"""

from __future__ import annotations

from markdown_it.token import Token


def cut_tokens(tokens: list[Token], boundary: int) -> tuple[list[Token], int] | None:
    """Block tokens for the text's first `boundary` lines and how many of them are `tokens`'
    own leading ones (the rest close what is still open), or None if a block straddles the cut."""
    stack: list[Token] = []
    cut = len(tokens)
    for i, tok in enumerate(tokens):
        if tok.nesting == -1:
            stack.pop()
            continue
        if tok.map is not None:
            if tok.map[0] >= boundary:
                cut = i
                break
            if tok.nesting == 0 and tok.map[1] > boundary:
                return None
        if tok.nesting == 1:
            stack.append(tok)
    out = tokens[:cut]
    for opener in reversed(stack):
        closer = Token(opener.type.removesuffix("_open") + "_close", opener.tag, -1)
        closer.block = opener.block
        closer.markup = opener.markup
        closer.info = opener.info
        closer.level = opener.level
        out.append(closer)
    return out, cut
