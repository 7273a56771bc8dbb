"""Slide text as gettext messages: extracted from the model's tokens, merged with Babel
(reading them at render time is builder/course/translations.py, below the renderer).

A message is the Markdown source of one inline run: a heading, a paragraph, a list item, a
table cell, the text of a macro, a paragraph of speaker notes. Code blocks and lab directives
are never messages. Inline code, link targets, `@@` directives and macro names stay in the
message as placeholders the translation must keep unchanged.

Catalogs live beside the course, one per chapter, so that a trainer translating one chapter
touches one file: `slides/locale/<lang>/<chapter path without .md>.po` (manifests:
`<deck>.yml.po`), with templates in `slides/locale/templates/*.pot`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from markdown_it.token import Token

from builder.course.translations import (  # noqa: F401 (the translator's side uses them too)
    LOCALE_DIR,
    Translations,
    load_translations,
    normalise,
    placeholders,
    po_path,
    pot_path,
    translatable,
)
from builder.diagnostics import CourseError
from builder.files import write_atomic
from builder.model import Chapter, Deck

# -- where messages come from -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Occurrence:
    msgid: str
    path: str
    line: int


def inline_runs(tokens: list[Token]) -> Iterator[Token]:
    for tok in tokens:
        if tok.type == "inline" and tok.content.strip():
            yield tok


def chapter_messages(chapter: Chapter) -> list[Occurrence]:
    """Messages of a parsed chapter (tokens still attached), in reading order, with lines."""
    out: list[Occurrence] = []
    for slide in chapter.slides:
        if slide.hidden and slide.properties.get("layout", "").lower() != "true":
            continue
        final = slide.increments[-1]
        for tok in inline_runs(final.tokens or []):
            msgid = normalise(tok.content)
            if translatable(msgid):
                path, line = final.lines[min(tok.map[0], len(final.lines) - 1)] if tok.map else (
                    slide.path, slide.line)
                out.append(Occurrence(msgid, path, line))
        if slide.notes_tokens:
            for tok in inline_runs(slide.notes_tokens):
                msgid = normalise(tok.content)
                if translatable(msgid):
                    at = slide.notes_lines[tok.map[0]] if tok.map and slide.notes_lines else (
                        slide.path, slide.notes_line)
                    out.append(Occurrence(msgid, *at))
    return out


def deck_messages(deck: Deck) -> list[Occurrence]:
    return [Occurrence(deck.title, deck.path, 1)] if translatable(deck.title) else []


# -- files -----------------------------------------------------------------------------------------

def template_catalog(source: str, occurrences: list[Occurrence]) -> Catalog:
    catalog = Catalog(project="coursekit course", header_comment=f"# Messages of {source}.",
                      fuzzy=False)
    for occ in occurrences:
        message = catalog.get(occ.msgid)
        if message is None:
            catalog.add(occ.msgid, locations=[(occ.path, occ.line)])
        else:
            message.locations.append((occ.path, occ.line))
    return catalog


def write_catalog(path: Path, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False,
             include_previous=True)
    write_atomic(path, buffer.getvalue())


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    shown = path.as_posix()
    try:
        with path.open("rb") as fh:
            return read_po(fh, locale=locale, abort_invalid=True)
    except FileNotFoundError:
        return Catalog(locale=locale)
    except Exception as exc:  # babel raises several kinds for a broken file
        line = getattr(exc, "lineno", None)
        raise CourseError(shown, line, f"not a valid PO file: {exc}") from None


def update_catalog(po: Path, template: Catalog, lang: str) -> tuple[int, int]:
    """Merge the new messages into the language's catalog: translations are kept, changed
    sources become fuzzy (their old translation kept as a suggestion), gone ones dropped.
    Returns (messages, translated)."""
    catalog = (read_catalog(po, lang) if po.exists()
               else Catalog(locale=lang, project="coursekit course", fuzzy=False))
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=True)
    catalog.obsolete.clear()
    write_catalog(po, catalog)
    messages = [m for m in catalog if m.id]
    return len(messages), sum(bool(m.string) and not m.fuzzy for m in messages)
