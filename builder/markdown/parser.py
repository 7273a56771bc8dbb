"""The one markdown-it configuration used for every chapter."""

from __future__ import annotations

from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from builder.markdown.dialect import marked_plugin
from builder.markdown.lexer import CODE_LINE_RE
from builder.markdown.macros import macros_plugin


class LastWins(dict):
    """Link definitions as remark keeps them: the last one of a label wins (markdown-it keeps
    the first), and every slide of a chapter sees them all, wherever they are written (in
    another slide, in the notes). A dict that never says it holds a label lets each later
    definition replace the earlier one."""

    def __contains__(self, key: object) -> bool:
        return False


def _inline_context(state: StateCore) -> None:
    """Inline runs are parsed later (builder.markdown.inline): each keeps what its parse needs
    from the block pass: the chapter's links, and which of its lines remark reads as code
    (lines indented by four spaces: remark's lexer starts no macro on them, even in a nested
    list item, see builder/markdown/lexer.py)."""
    links = state.env.get("links", state.env.get("references"))
    lines: list[str] | None = None
    for tok in state.tokens:
        if tok.type != "inline":
            continue
        if links is not None:
            tok.meta["references"] = links
        if tok.map and "[" in tok.content and "    " in state.src:
            lines = lines if lines is not None else state.src.split("\n")
            first, last = tok.map
            code = frozenset(n - first for n in range(first, min(last, len(lines)))
                             if CODE_LINE_RE.match(lines[n]))
            if code:
                tok.meta["code_lines"] = code


@cache
def markdown() -> MarkdownIt:
    """CommonMark with raw HTML (lab directives live in comments), tables and strikethrough
    (remark renders with GitHub-flavoured Markdown), plus remark's macros."""
    md = MarkdownIt("commonmark", {"html": True})
    # A pure function of the URL, costly (mdurl parses and re-encodes it), asked again for the
    # same links in every language: each URL is normalised once.
    md.normalizeLink = lru_cache(maxsize=8192)(md.normalizeLink)  # type: ignore[method-assign]
    md.enable(["table", "strikethrough"])
    md.use(macros_plugin)
    md.use(marked_plugin)
    # Inline runs are parsed on demand (builder.markdown.inline): a translated build replaces
    # most of them, so the core pass must not parse them all up front.
    md.disable(["inline", "text_join"])
    md.core.ruler.after("block", "inline_context", _inline_context)
    return md
