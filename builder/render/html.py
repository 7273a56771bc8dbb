"""A chapter's tokens -> HTML fragments, one per increment, plus speaker notes.

Fragments depend only on the chapter (and, later, the language): deck-specific parts
(ids, numbering, `@@` strings, the table of contents) are filled in at assembly, so a chapter
shared by fifteen decks is rendered once.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from builder.markdown.parser import markdown
from builder.model import Chapter
from builder.render.code import highlight


@dataclass(slots=True)
class RenderedSlide:
    increments: list[str]
    notes: str


@dataclass(slots=True)
class RenderedChapter:
    slides: list[RenderedSlide]


def _fence(tokens: list[Token], idx: int) -> str:
    tok = tokens[idx]
    info = tok.info.strip()
    lang = info.split(maxsplit=1)[0] if info else ""
    code = tok.content[:-1] if tok.content.endswith("\n") else tok.content
    attr = f' data-lang="{escape(lang)}"' if lang else ""
    return f'<pre class="code"{attr}><code>{highlight(code, lang)}</code></pre>\n'


class _Renderer(RendererHTML):
    """markdown-it's HTML renderer with code blocks through Pygments and backtick highlights."""

    def fence(self, tokens: list[Token], idx: int, options, env) -> str:
        return _fence(tokens, idx)


    def pieces(self, tokens: list[Token], options, env) -> list[str]:
        """The HTML of each token, so that increments sharing leading tokens reuse it."""
        out = []
        rules = self.rules
        for i, token in enumerate(tokens):
            if token.type == "inline":
                out.append(self.renderInline(token.children or [], options, env))
            elif token.type in rules:
                out.append(rules[token.type](tokens, i, options, env))
            else:
                out.append(self.renderToken(tokens, i, options, env))
        return out


_RENDERER = _Renderer()


def render_chapter(chapter: Chapter, md: MarkdownIt | None = None) -> RenderedChapter:
    md = md or markdown()
    render = _RENDERER.render
    slides = []
    for slide in chapter.slides:
        final = slide.increments[-1]
        final_pieces = _RENDERER.pieces(final.tokens, md.options, {})
        incs = []
        for inc in slide.increments[:-1]:
            if inc.shared:
                incs.append("".join(final_pieces[: inc.shared])
                            + render(inc.tokens[inc.shared :], md.options, {}))
            else:
                incs.append(render(inc.tokens, md.options, {}))
        incs.append("".join(final_pieces))
        notes = render(slide.notes_tokens, md.options, {}) if slide.notes_tokens else ""
        slides.append(RenderedSlide(increments=incs, notes=notes))
    return RenderedChapter(slides=slides)
