"""Inline Markdown parsed on demand.

The block parse leaves each inline run (a paragraph's text, a heading, a table cell) unparsed:
a French build replaces most runs by their translation, so parsing the English text of every
run would be work thrown away. Whoever needs a run's inline tokens asks for them here, once.
"""

from __future__ import annotations

from markdown_it.token import Token

from builder.markdown.parser import markdown


def parse_inline(text: str, references: dict | None = None,
                 code_lines: frozenset[int] = frozenset()) -> list[Token]:
    """`references`: the link definitions its chapter holds (label -> href and title);
    `code_lines`: its lines that remark reads as code (no macro starts there)."""
    md = markdown()
    if md.inline.terminator_re.search(text) is None:
        # Nothing any inline rule starts on (no punctuation markdown-it reacts to, no line
        # break; a macro or a link reference needs a `[`): the text rule would take it all as
        # one text token. Nearly half of a course's runs are such plain prose.
        return [Token("text", "", 0, content=text)] if text else []
    found: list[Token] = []
    env: dict = {"references": references} if references else {}
    if code_lines:
        env["code_lines"] = code_lines
    md.inline.parse(text, md, env, found)
    return join_text(found)


def children(token: Token) -> list[Token]:
    """The inline tokens of an `inline` run, parsing it the first time it is asked for."""
    if not token.meta.get("parsed"):  # block rules leave an empty list, not None
        token.children = parse_inline(token.content, token.meta.get("references"),
                                      token.meta.get("code_lines", frozenset()))
        token.meta["parsed"] = True
    return token.children or []


def join_text(tokens: list[Token]) -> list[Token]:
    """Escaped characters become plain text, as markdown-it's own text_join rule does."""
    for tok in tokens:
        if tok.type == "text_special":
            tok.type = "text"
        if tok.children:
            join_text(tok.children)
    return tokens


def inline_text(token: Token) -> str:
    """Plain text of an inline token: what a table of contents or an anchor shows."""
    return plain_text(children(token))


def plain_text(tokens: list[Token]) -> str:
    parts: list[str] = []
    for child in tokens:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content if child.type != "html_inline" else "")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts).strip()
