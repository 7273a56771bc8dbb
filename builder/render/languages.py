"""What a freshly parsed chapter becomes in each language, without what decks need besides
(templates, Jinja): a forked child compiling an edited chapter starts without loading them,
and the build loads them meanwhile (builder/build.py)."""

from __future__ import annotations

from pathlib import Path

from builder.course.translations import load_translations
from builder.diagnostics import CourseError, Diagnostic
from builder.model import Chapter
from builder.render import diagrams
from builder.render.html import Pieces, RenderedChapter, render_chapter

Rendered = dict[str, RenderedChapter | Diagnostic]  # per language: the HTML, or why not


def render_languages(repo: Path, chapter: Chapter, langs: tuple[str, ...]) -> Rendered:
    """English as written and every other language through the chapter's catalog; a broken
    translation fails that language only. Diagrams that will show as their source (mermaid
    not cached) are added to the chapter's findings."""
    out: Rendered = {}
    english = Pieces()  # other languages change only inline runs: they start from English
    for lang in sorted(langs, key=lambda lang: lang != "en"):
        try:
            out[lang] = render_chapter(chapter, english=english) if lang == "en" else render_chapter(
                chapter, translations=load_translations(repo, lang, chapter.path),
                english=english if "en" in langs else None)
        except CourseError as exc:
            out[lang] = exc.diagnostic
    out = {lang: out[lang] for lang in langs}
    drawn = next((r for r in out.values() if isinstance(r, RenderedChapter)), None)
    if drawn is not None and has_diagrams(drawn):
        chapter.diagnostics.extend(diagrams.warnings(d for s in drawn.slides for d in s.diagrams))
    return out


def has_diagrams(rendered: RenderedChapter) -> bool:
    return any(s.diagrams for s in rendered.slides)
