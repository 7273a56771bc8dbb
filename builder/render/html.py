"""A chapter's tokens -> HTML fragments, one per increment, plus speaker notes.

Fragments depend only on the chapter (and, later, the language): deck-specific parts
(ids, numbering, `@@` strings, the table of contents) are filled in at assembly, so a chapter
shared by fifteen decks is rendered once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from builder.course.translations import Translations, normalise, translatable
from builder.markdown.inline import children, parse_inline, plain_text
from builder.markdown.parser import markdown
from builder.model import Chapter, Title
from builder.render import diagrams
from builder.render.code import Highlights, highlight


@dataclass(slots=True)
class RenderedSlide:
    increments: list[str]
    notes: str
    titles: list[str] = field(default_factory=list)  # the `# ` titles, in this language
    untranslated: bool = False  # some of its text fell back to English
    diagrams: list[tuple[str, int]] = field(default_factory=list)  # (path, line) of each


@dataclass(slots=True)
class RenderedChapter:
    slides: list[RenderedSlide]
    code: Highlights = field(default_factory=dict)  # its code blocks' highlights (see `remember`)


def _fence(tokens: list[Token], idx: int, made: Highlights | None = None) -> str:
    """`made`, if given, collects each block's highlight."""
    tok = tokens[idx]
    if diagrams.is_diagram(tok):
        return diagrams.fence_html(tok.content)
    info = tok.info.strip()
    lang = info.split(maxsplit=1)[0] if info else ""
    code = tok.content[:-1] if tok.content.endswith("\n") else tok.content
    attr = f' data-lang="{escape(lang)}"' if lang else ""
    html = highlight(code, lang)
    if made is not None:
        made[(lang, code)] = html
    return f'<pre class="code"{attr}><code>{html}</code></pre>\n'


_IMG_RE = re.compile(r"<img\b[^>]*>", re.I)


def _lazy_tag(m: re.Match) -> str:
    tag = m.group(0)
    lower = tag.lower()
    extra = ("" if " loading=" in lower else ' loading="lazy"') + (
        "" if " decoding=" in lower else ' decoding="async"')
    return tag[:4] + extra + tag[4:] if extra else tag


def lazy_images(html: str) -> str:
    """Raw HTML's pictures, lazy like the Markdown ones (an author's own `loading` stays)."""
    return _IMG_RE.sub(_lazy_tag, html) if "<img" in html or "<IMG" in html else html


class _Renderer(RendererHTML):
    """markdown-it's HTML renderer with code blocks through Pygments and backtick highlights.

    Pictures are lazy: all slides but one are hidden, so a deck's pictures load as their slide
    (or the one before it, see deck.js) is shown, not all when the deck opens."""

    def fence(self, tokens: list[Token], idx: int, options, env) -> str:
        return _fence(tokens, idx, env.get("code"))

    def image(self, tokens: list[Token], idx: int, options, env) -> str:
        tokens[idx].attrSet("loading", "lazy")
        tokens[idx].attrSet("decoding", "async")
        return super().image(tokens, idx, options, env)

    def html_block(self, tokens: list[Token], idx: int, options, env) -> str:
        return lazy_images(tokens[idx].content)

    def html_inline(self, tokens: list[Token], idx: int, options, env) -> str:
        return lazy_images(tokens[idx].content)


    def render(self, tokens: list[Token], options, env) -> str:
        return "".join(self.pieces(tokens, options, env))

    def pieces(self, tokens: list[Token], options, env,
               base: list[str] | None = None) -> list[str]:
        """The HTML of each token, so that increments sharing leading tokens reuse it. `base`
        is the same tokens' English pieces: a translation only changes inline runs, so every
        other token, and every run the translator leaves in English, is taken from there
        rather than rendered again."""
        out = []
        rules = self.rules
        translator: _Translator | None = env.get("inline")
        for i, token in enumerate(tokens):
            if token.type == "inline":
                kids = translator.translate(token) if translator else None
                if kids is None:
                    if base is not None:
                        out.append(base[i])
                        continue
                    kids = children(token)
                out.append(self.renderInline(kids, options, env))
            elif base is not None:
                out.append(base[i])
            elif token.type in rules:
                out.append(rules[token.type](tokens, i, options, env))
            else:
                out.append(self.renderToken(tokens, i, options, env))
        return out


_RENDERER = _Renderer()


class _Translator:
    """Swaps each inline run for its translation, parsed with the same Markdown rules;
    notes whether anything on the current slide fell back to English."""

    def __init__(self, md: MarkdownIt, translations: Translations) -> None:
        self.md = md
        self.translations = translations
        self.fell_back = False
        self._parsed: dict[str, list[Token]] = {}

    def children(self, text: str, references: dict | None = None) -> list[Token]:
        found = self._parsed.get(text)
        if found is None:
            found = self._parsed[text] = parse_inline(text, references)
        return found

    def translate(self, token: Token) -> list[Token] | None:
        """The inline tokens of the run's translation, or None: shown as written (nothing to
        translate, or no translation yet)."""
        msgid = normalise(token.content)
        if not translatable(msgid):
            return None
        text = self.translations.lookup(msgid)
        if text is None:
            self.fell_back = True
            return None
        return self.children(text, token.meta.get("references"))

    def title(self, title: Title) -> str:
        msgid = normalise(title.source)
        text = self.translations.lookup(msgid) if translatable(msgid) else None
        if text is None:
            return title.text
        return plain_text(self.children(text))


def _diagrams(increment) -> list[tuple[str, int]]:
    """Where the slide's diagrams start, as (path, line)."""
    lines = increment.lines
    return [lines[min(t.map[0], len(lines) - 1)] for t in increment.tokens
            if (t.type == "fence" or t.type == "html_block") and t.map and lines
            and diagrams.is_diagram(t)]


def inline_html(text: str) -> str:
    """A line of Markdown (a manifest string such as `chat:`) as inline HTML."""
    return _RENDERER.renderInline(parse_inline(text), markdown().options, {})


def render_markdown(text: str, env: dict | None = None) -> str:
    """A Markdown text as HTML, through the same parser and renderer as the chapters."""
    md = markdown()
    return _RENDERER.render(md.parse(text, env or {}), md.options, {})


def render_step(chapter: Chapter, text: str, lines: list[tuple[str, int]],
                translations: Translations | None = None) -> str:
    """One step's Markdown as HTML, read as the chapter's own steps are (its lab macros, its
    language): for a step that a deck's `exclude` leaves without the steps before it."""
    md = markdown()
    env = {"where": lambda i: lines[min(i, len(lines) - 1)] if lines else (chapter.path, 1),
           "labs": frozenset(chapter.lab_macros), "autoclose": True}
    translator = _Translator(md, translations) if translations is not None else None
    return _RENDERER.render(md.parse(text, env), md.options, {"inline": translator} if translator else {})


class Pieces:
    """The English pieces of a chapter's token lists, by list and first token: what other
    languages start from (see `_Renderer.pieces`)."""

    def __init__(self) -> None:
        self.by_list: dict[tuple[int, int], list[str]] = {}


def render_chapter(chapter: Chapter, md: MarkdownIt | None = None,
                   translations: Translations | None = None,
                   english: Pieces | None = None) -> RenderedChapter:
    """English as written, or another language through its catalog (English where missing).
    Rendering English with `english` fills it in; rendering a translation with the same object
    reuses it (the chapter's tokens must be the ones English was rendered from)."""
    md = md or markdown()
    translator = _Translator(md, translations) if translations is not None else None
    made: Highlights = {}
    env = {"inline": translator, "code": made} if translator else {"code": made}
    reuse = english is not None and translator is not None
    memo = english.by_list if english is not None else None

    def pieces(tokens: list[Token], start: int = 0) -> list[str]:
        """Of `tokens[start:]`, rendered as a list of its own (as markdown-it sees it)."""
        key = (id(tokens), start)
        part = tokens[start:] if start else tokens
        if reuse:
            return _RENDERER.pieces(part, md.options, env, memo.get(key))  # type: ignore[union-attr]
        done = _RENDERER.pieces(part, md.options, env)
        if memo is not None:
            memo[key] = done
        return done

    slides = []
    for slide in chapter.slides:
        if translator:
            translator.fell_back = False
        final = slide.increments[-1]
        final_pieces = pieces(final.tokens)
        incs = []
        for inc in slide.increments[:-1]:
            if inc.shared:
                incs.append("".join(final_pieces[: inc.shared]) + "".join(pieces(inc.tokens, inc.shared)))
            else:
                incs.append("".join(pieces(inc.tokens)))
        incs.append("".join(final_pieces))
        notes = "".join(pieces(slide.notes_tokens)) if slide.notes_tokens else ""
        titles = [translator.title(t) if translator else t.text for t in slide.titles]
        slides.append(RenderedSlide(increments=incs, notes=notes, titles=titles,
                                    untranslated=bool(translator and translator.fell_back),
                                    diagrams=_diagrams(final)))
    return RenderedChapter(slides=slides, code=made)
