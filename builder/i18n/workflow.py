"""`coursekit i18n extract | update LANG | status`: the translator's side of the course.

Every deck's chapters are parsed once (the same model the builder uses) and their messages
written as templates; `update` merges them into each language's catalogs with Babel, keeping
translations and marking changed sources fuzzy; `status` compares the outlines of the two
languages and reports how much of each chapter is translated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from builder.build import find_manifests, load_decks
from builder.chapter import parse_chapter
from builder.diagnostics import CourseError
from builder.files import read_text
from builder.i18n.catalog import (
    Occurrence,
    chapter_messages,
    deck_messages,
    load_translations,
    po_path,
    pot_path,
    read_catalog,
    template_catalog,
    update_catalog,
    write_catalog,
)
from builder.i18n.outline import shapes
from builder.model import Chapter, Deck


@dataclass(slots=True)
class Source:
    """One catalog's worth of text: a chapter file, or a manifest (title + inline entries)."""

    path: str
    messages: list[Occurrence] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)


def collect(repo: Path, manifests: list[Path] | None = None) -> tuple[list[Deck], list[Source]]:
    repo = repo.resolve()
    decks = load_decks(repo, manifests or find_manifests(repo))
    sources: dict[str, Source] = {}
    for deck in decks:
        manifest = sources.setdefault(deck.path, Source(deck.path))
        manifest.messages.extend(deck_messages(deck))
        for entry in deck.entries:
            if entry.inline is not None:
                chapter = parse_chapter(entry.inline, entry.path, repo, first_line=entry.inline_line)
                manifest.messages.extend(chapter_messages(chapter))
                manifest.chapters.append(chapter)
            elif entry.path not in sources:
                chapter = parse_chapter(read_text(repo / entry.path, entry.path), entry.path, repo)
                sources[entry.path] = Source(entry.path, chapter_messages(chapter), [chapter])
    return decks, list(sources.values())


def extract(repo: Path) -> list[tuple[Path, int]]:
    _, sources = collect(repo)
    written = []
    for source in sources:
        catalog = template_catalog(source.path, source.messages)
        path = pot_path(repo, source.path)
        write_catalog(path, catalog)
        written.append((path, len(catalog)))
    return written


def update(repo: Path, lang: str) -> list[tuple[Path, int, int]]:
    if lang == "en":
        raise CourseError("i18n", None, "English is the source language: nothing to update")
    _, sources = collect(repo)
    done = []
    for source in sources:
        po = po_path(repo, lang, source.path)
        total, translated = update_catalog(po, template_catalog(source.path, source.messages), lang)
        done.append((po, total, translated))
    return done


@dataclass(slots=True)
class StatusLine:
    source: str
    total: int
    translated: int
    fuzzy: int


@dataclass(slots=True)
class Status:
    mismatches: list[CourseError] = field(default_factory=list)
    coverage: list[StatusLine] = field(default_factory=list)


def status(repo: Path, lang: str = "fr") -> Status:
    repo = repo.resolve()
    _, sources = collect(repo)
    result = Status()
    for source in sources:
        for chapter in source.chapters:
            result.mismatches.extend(outline_mismatches(chapter, ("en", lang)))
        ids = {occ.msgid for occ in source.messages}
        catalog = read_catalog(po_path(repo, lang, source.path), lang)
        fuzzy = sum(1 for m in catalog if m.id in ids and m.fuzzy)
        translations = load_translations(repo, lang, source.path)
        translated = 0
        for msgid in ids:
            try:
                translated += translations.lookup(msgid) is not None
            except CourseError as exc:  # a broken placeholder is reported, not counted
                result.mismatches.append(exc)
        result.coverage.append(StatusLine(source.path, len(ids), translated, fuzzy))
    return result


def outline_mismatches(chapter: Chapter, langs: tuple[str, str]) -> list[CourseError]:
    """A chapter whose outline is not the same shape in both languages."""
    tags = chapter.outline
    if not tags:
        return []
    got = shapes(tags, langs)
    a, b = got[langs[0]], got[langs[1]]
    if (a.modules, a.items) == (b.modules, b.items):
        return []
    line = (b.line if b.items or b.modules else a.line) or chapter.line
    if not (b.items or b.modules):
        what = f"no :{langs[1].upper()}: outline (the :{langs[0].upper()}: one has {a})"
    elif not (a.items or a.modules):
        what = f"no :{langs[0].upper()}: outline (the :{langs[1].upper()}: one has {b})"
    else:
        what = f":{langs[0].upper()}: outline has {a}, :{langs[1].upper()}: has {b}"
    return [CourseError(tags[0].path, line, what)]
