"""The one markdown-it configuration used for every chapter."""

from __future__ import annotations

from functools import cache, lru_cache

from markdown_it import MarkdownIt

from builder.markdown.macros import macros_plugin


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
    # Inline runs are parsed on demand (builder.markdown.inline): a translated build replaces
    # most of them, so the core pass must not parse them all up front.
    md.disable(["inline", "text_join"])
    return md
