"""`coursekit i18n extract | update LANG | status`: the translator's side of the course.

Every deck's chapters are compiled once by the course layer (the same model the builder uses),
their messages taken while the tokens are at hand, and written as templates; `update` merges
them into each language's catalogs with Babel, keeping translations and marking changed sources
fuzzy; `status` reports the outline checks and how much of each chapter is translated.

A chapter that cannot be read is an error at its line; every other chapter is still done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from builder.course import load_course
from builder.diagnostics import CourseError, Diagnostic, unique
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
from builder.model import Chapter, Deck

OUTLINE_CHECK = "outline-languages"  # builder/course/checks.py


@dataclass(slots=True)
class Source:
    """One catalog's worth of text: a chapter file, or a manifest (title + inline entries)."""

    path: str
    messages: list[Occurrence] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)


@dataclass(slots=True)
class Collected:
    decks: list[Deck]
    sources: list[Source]
    diagnostics: list[Diagnostic]  # chapters and manifests that cannot be read, outline checks


def _messages(repo: Path, chapter: Chapter) -> list[Occurrence]:
    return chapter_messages(chapter)


def collect(repo: Path, manifests: list[Path] | None = None) -> Collected:
    course = load_course(repo, manifests, then=_messages)
    sources: dict[str, Source] = {}
    for deck in course.decks.decks:
        manifest = sources.setdefault(deck.path, Source(deck.path))
        manifest.messages.extend(deck_messages(deck))
        for entry in deck.entries:
            compiled = course.compiled[entry.key]
            if compiled.chapter is None:
                continue
            if entry.inline is not None:
                manifest.messages.extend(compiled.result)
                manifest.chapters.append(compiled.chapter)
            elif entry.path not in sources:
                sources[entry.path] = Source(entry.path, compiled.result, [compiled.chapter])
    found = [d for d in course.diagnostics() if d.is_error or d.check == OUTLINE_CHECK
             or d.severity == "note"]
    return Collected(course.decks.decks, list(sources.values()), found)


def extract(repo: Path) -> tuple[list[tuple[Path, int]], list[Diagnostic]]:
    collected = collect(repo)
    written = []
    for source in collected.sources:
        catalog = template_catalog(source.path, source.messages)
        path = pot_path(repo, source.path)
        write_catalog(path, catalog)
        written.append((path, len(catalog)))
    return written, collected.diagnostics


def update(repo: Path, lang: str) -> tuple[list[tuple[Path, int, int]], list[Diagnostic]]:
    if lang == "en":
        raise CourseError("i18n", None, "English is the source language: nothing to update")
    collected = collect(repo)
    done = []
    for source in collected.sources:
        po = po_path(repo, lang, source.path)
        total, translated = update_catalog(po, template_catalog(source.path, source.messages), lang)
        done.append((po, total, translated))
    return done, collected.diagnostics


@dataclass(slots=True)
class StatusLine:
    source: str
    total: int
    translated: int
    fuzzy: int


@dataclass(slots=True)
class Status:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    coverage: list[StatusLine] = field(default_factory=list)


def status(repo: Path, lang: str = "fr") -> Status:
    repo = repo.resolve()
    collected = collect(repo)
    result = Status(list(collected.diagnostics))
    for source in collected.sources:
        ids = {occ.msgid for occ in source.messages}
        try:
            catalog = read_catalog(po_path(repo, lang, source.path), lang)
            translations = load_translations(repo, lang, source.path)
        except CourseError as exc:  # a broken catalog: reported, its chapter counted as untranslated
            result.diagnostics.append(exc.diagnostic)
            result.coverage.append(StatusLine(source.path, len(ids), 0, 0))
            continue
        fuzzy = sum(1 for m in catalog if m.id in ids and m.fuzzy)
        translated = 0
        for msgid in ids:
            try:
                translated += translations.lookup(msgid) is not None
            except CourseError as exc:  # a broken placeholder is reported, not counted
                result.diagnostics.append(exc.diagnostic)
        result.coverage.append(StatusLine(source.path, len(ids), translated, fuzzy))
    result.diagnostics = unique(result.diagnostics)
    return result
