"""What a chapter and a deck become in each language: the renderer's part of build and serve.

`render_languages` (builder/render/languages.py) is the work the course layer runs on each
freshly parsed chapter in its worker (tokens are there, and stay there); `deck_files`
assembles one deck in one language with its syllabus. Build and the dev server both call
these, so a deck is the same file whichever wrote it.
"""

from __future__ import annotations

from pathlib import Path

from builder.course.translations import load_translations, title_in
from builder.model import Chapter, Deck
from builder.render import deck as deck_render
from builder.render.deck import assemble, render_outline
from builder.render.html import RenderedChapter, render_step
from builder.render.languages import Rendered, has_diagrams, render_languages
from builder.render.outline import deck_outline, outline_markdown
from builder.render.ui import ui_strings

__all__ = ["Rendered", "deck_files", "deck_title", "has_diagrams", "prepare", "render_languages"]


def prepare(langs: tuple[str, ...]) -> None:
    """Compile the templates and read the interface's words now, once, rather than in each
    worker that assembles decks (they are forked after this)."""
    deck_render.warm()
    for lang in langs:
        ui_strings(lang)


def deck_title(repo: Path, deck: Deck, lang: str) -> str:
    """The manifest's title, translated through the manifest's own catalog."""
    return title_in(repo, deck.path, deck.title, lang)


def deck_files(repo: Path, deck: Deck, chapters: dict[tuple[str, int], Chapter],
               rendered: dict[tuple[str, int], RenderedChapter], lang: str,
               languages: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(name, text) of what one deck becomes in one language: the deck and its syllabus."""
    title = deck_title(repo, deck, lang)

    def rerender(chapter: Chapter, text: str, lines: list[tuple[str, int]]) -> str:
        translations = None if lang == "en" else load_translations(repo, lang, chapter.path)
        return render_step(chapter, text, lines, translations)

    html = assemble(deck, chapters, rendered, lang, title=title, languages=languages,
                    rerender=rerender)
    modules = deck_outline(deck, chapters, rendered, lang, title, ui_strings(lang)["part"])
    return [(f"{deck.stem}.html", html),
            (f"{deck.stem}-outline.html", render_outline(modules, lang, title)),
            (f"{deck.stem}-outline.md", outline_markdown(title, modules))]
