"""A chapter's tokens -> HTML fragments, one per increment, plus speaker notes.

Fragments depend only on the chapter (and, later, the language): deck-specific parts
(ids, numbering, `@@` strings, the table of contents) are filled in at assembly, so a chapter
shared by fifteen decks is rendered once.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markdown_it import MarkdownIt
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


def _fence(self, tokens: list[Token], idx: int, options, env) -> str:
    tok = tokens[idx]
    info = tok.info.strip()
    lang = info.split(maxsplit=1)[0] if info else ""
    code = tok.content[:-1] if tok.content.endswith("\n") else tok.content
    attr = f' data-lang="{escape(lang)}"' if lang else ""
    return f'<pre class="code"{attr}><code>{highlight(code, lang)}</code></pre>\n'


def _renderer_md() -> MarkdownIt:
    md = markdown()
    if getattr(md.renderer.rules.get("fence"), "__func__", None) is not _fence:
        md.add_render_rule("fence", _fence)
    return md


def render_chapter(chapter: Chapter, md: MarkdownIt | None = None) -> RenderedChapter:
    md = md or _renderer_md()
    render = md.renderer.render
    slides = []
    for slide in chapter.slides:
        incs = [render(inc.tokens, md.options, {}) for inc in slide.increments]
        notes = render(slide.notes_tokens, md.options, {}) if slide.notes_tokens else ""
        slides.append(RenderedSlide(increments=incs, notes=notes))
    return RenderedChapter(slides=slides)
