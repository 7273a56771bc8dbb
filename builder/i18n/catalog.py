"""Slide text as gettext messages: extracted from the model's tokens, merged with Babel,
looked up at render time.

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
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from markdown_it.token import Token

from builder.diagnostics import CourseError
from builder.files import write_atomic
from builder.model import Chapter, Deck

LOCALE_DIR = "slides/locale"
TEMPLATES = "templates"
_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_LINK_TARGET = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_DIRECTIVE = re.compile(r"@@[A-Z]+(?:\[[^\]\n]*\])?@@?|@@[A-Z]+@@")
_MACRO = re.compile(r"\.[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*\[")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def normalise(content: str) -> str:
    """The msgid of an inline run: its Markdown with line breaks folded into spaces."""
    return re.sub(r"[ \t]*\n[ \t]*", " ", content.strip())


def placeholders(text: str) -> Counter[str]:
    """What a translation must keep exactly: code spans, link targets, @@ directives, macros."""
    found: Counter[str] = Counter()
    for pattern in (_CODE, _DIRECTIVE, _MACRO, _HTML_COMMENT):
        found.update(m.group(0) for m in pattern.finditer(text))
    found.update("](" + m.group(1) + ")" for m in _LINK_TARGET.finditer(text))
    return found


def translatable(msgid: str) -> bool:
    """Whether anything but code, links and directives is left to translate."""
    rest = _CODE.sub(" ", msgid)
    rest = _LINK_TARGET.sub(" ", rest)
    rest = _DIRECTIVE.sub(" ", rest)
    rest = re.sub(r"https?://\S+", " ", rest)
    return bool(_LETTERS.search(rest))


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

def catalog_name(source: str) -> str:
    """`slides/k8s/consul.md` -> `k8s/consul`; `slides/kube.yml` -> `kube.yml`."""
    rel = source.removeprefix("slides/")
    return rel[:-3] if rel.endswith(".md") else rel


def po_path(repo: Path, lang: str, source: str) -> Path:
    return repo / LOCALE_DIR / lang / f"{catalog_name(source)}.po"


def pot_path(repo: Path, source: str) -> Path:
    return repo / LOCALE_DIR / TEMPLATES / f"{catalog_name(source)}.pot"


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


# -- render time -------------------------------------------------------------------------------------

@dataclass(slots=True)
class Translations:
    """A chapter's translations in one language, checked before use."""

    path: Path
    shown: str
    strings: dict[str, tuple[str, int]]  # msgid -> (msgstr, line in the .po)
    checked: dict[str, str] = field(default_factory=dict)  # msgids whose placeholders were checked

    def lookup(self, msgid: str) -> str | None:
        """The translation, or None (missing or fuzzy: the English text is shown)."""
        done = self.checked.get(msgid)
        if done is not None:
            return done
        found = self.strings.get(msgid)
        if found is None:
            return None
        text, line = found
        if placeholders(text) != placeholders(msgid):
            lost = placeholders(msgid) - placeholders(text)
            extra = placeholders(text) - placeholders(msgid)
            detail = "drops " + ", ".join(sorted(lost)) if lost else "adds " + ", ".join(sorted(extra))
            raise CourseError(self.shown, line, f"translation {detail} (code, links, @@ directives "
                              "and macros must stay exactly as in the English text)")
        self.checked[msgid] = text
        return text


def load_translations(repo: Path, lang: str, source: str) -> Translations:
    po = po_path(repo, lang, source)
    try:
        stat = po.stat()
    except FileNotFoundError:
        return Translations(po, _shown(repo, po), {})
    return _load(po, _shown(repo, po), lang, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _load(po: Path, shown: str, lang: str, mtime: int, size: int) -> Translations:
    try:
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang, abort_invalid=True)
    except Exception as exc:
        raise CourseError(shown, getattr(exc, "lineno", None), f"not a valid PO file: {exc}") from None
    strings = {m.id: (m.string, m.lineno or 1) for m in catalog
               if m.id and isinstance(m.string, str) and m.string and not m.fuzzy}
    return Translations(po, shown, strings)


def _shown(repo: Path, path: Path) -> str:
    try:
        return path.relative_to(repo).as_posix()
    except ValueError:
        return str(path)
