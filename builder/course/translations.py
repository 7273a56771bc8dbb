"""The course's translations as rendering reads them: one gettext catalog per chapter.

Catalogs live beside the course (`slides/locale/<lang>/<chapter path without .md>.po`,
manifests: `<deck>.yml.po`). Rendering only reads them, so reading sits here, below both the
renderer and the translator's workflow (builder/i18n), which writes them.

A message is the Markdown of one inline run; inline code, link targets, `@@` directives and
macro names must come back unchanged in its translation, or the translation is an error.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from builder.course.po import quick_messages
from builder.diagnostics import CourseError
from builder.files import OUTSIDE, contained

LANGUAGES = ("en", "fr")  # English is the source; others come from slides/locale/<lang>/
LOCALE_DIR = "slides/locale"
TEMPLATES = "templates"
_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_LINK_TARGET = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_DIRECTIVE = re.compile(r"@@[A-Z]+(?:\[[^\]\n]*\])?@@?|@@[A-Z]+@@")
_MACRO = re.compile(r"\.[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*\[")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_PLACEHOLDERS = ((_CODE, "`"), (_DIRECTIVE, "@@"), (_MACRO, "["), (_HTML_COMMENT, "<!--"))


def check_languages(langs: tuple[str, ...]) -> None:
    for lang in langs:
        if lang not in LANGUAGES:
            raise CourseError("--lang", None, f"language {lang!r} is not available "
                                              f"(available: {', '.join(LANGUAGES)})")


def normalise(content: str) -> str:
    """The msgid of an inline run: its Markdown with line breaks folded into spaces."""
    content = content.strip()
    return _BREAK.sub(" ", content) if "\n" in content else content


def placeholders(text: str) -> Counter[str]:
    """What a translation must keep exactly: code spans, link targets, @@ directives, macros.
    (Each pattern is only tried on a text holding the characters it starts with: every inline
    run of a translated build comes here.)"""
    found: Counter[str] = Counter()
    for pattern, needs in _PLACEHOLDERS:
        if needs in text:
            found.update(m.group(0) for m in pattern.finditer(text))
    if "](" in text:
        found.update("](" + m.group(1) + ")" for m in _LINK_TARGET.finditer(text))
    return found


def translatable(msgid: str) -> bool:
    """Whether anything but code, links and directives is left to translate."""
    if "`" not in msgid and "](" not in msgid and "@@" not in msgid and "http" not in msgid:
        return bool(_LETTERS.search(msgid))  # nothing below would change it
    rest = _CODE.sub(" ", msgid)
    rest = _LINK_TARGET.sub(" ", rest)
    rest = _DIRECTIVE.sub(" ", rest)
    rest = re.sub(r"https?://\S+", " ", rest)
    return bool(_LETTERS.search(rest))


def catalog_name(source: str) -> str:
    """`slides/k8s/consul.md` -> `k8s/consul`; `slides/kube.yml` -> `kube.yml`."""
    rel = source.removeprefix("slides/")
    return rel[:-3] if rel.endswith(".md") else rel


def po_path(repo: Path, lang: str, source: str) -> Path:
    return repo / LOCALE_DIR / lang / f"{catalog_name(source)}.po"


def pot_path(repo: Path, source: str) -> Path:
    return repo / LOCALE_DIR / TEMPLATES / f"{catalog_name(source)}.pot"


def catalog_source(rel: str) -> tuple[str | None, str]:
    """(the chapter or manifest a catalog translates, its language), or (None, "")."""
    prefix = LOCALE_DIR + "/"
    if not (rel.startswith(prefix) and rel.endswith(".po")) or rel.count("/") < 3:
        return None, ""
    lang, name = rel[len(prefix):].split("/", 1)
    name = name[: -len(".po")]
    return (f"slides/{name}" if name.endswith((".yml", ".yaml")) else f"slides/{name}.md"), lang


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
    shown = _shown(repo, po)
    if not (po.is_file() or po.is_symlink()):
        return Translations(po, shown, {})
    real = contained(repo, po)
    if real is None:  # a link out of the repository: not read, whatever it leads to
        raise CourseError(shown, 1, f"translation catalog {OUTSIDE}")
    try:
        stat = real.stat()
    except OSError:
        return Translations(po, shown, {})
    return _load(real, shown, lang, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _load(po: Path, shown: str, lang: str, mtime: int, size: int) -> Translations:
    try:
        data = po.read_bytes()
    except OSError as exc:
        raise CourseError(shown, None, f"not a valid PO file: {exc}") from None
    quick = quick_messages(data)
    if quick is not None:
        return Translations(po, shown, {msgid: (text, line) for msgid, text, line, fuzzy in quick
                                        if text and not fuzzy})
    from babel.messages.pofile import read_po  # here: most catalogs never need Babel

    try:
        catalog = read_po(io.BytesIO(data), locale=lang, abort_invalid=True)
    except Exception as exc:
        raise CourseError(shown, getattr(exc, "lineno", None) or 1, f"not a valid PO file: {exc}") from None
    strings = {m.id: (m.string, m.lineno or 1) for m in catalog
               if m.id and isinstance(m.string, str) and m.string and not m.fuzzy}
    return Translations(po, shown, strings)


def title_in(repo: Path, deck_path: str, title: str, lang: str) -> str:
    """A manifest's title in `lang`, through the manifest's own catalog."""
    if lang == "en":
        return title
    return load_translations(repo, lang, deck_path).lookup(title) or title


def _shown(repo: Path, path: Path) -> str:
    try:
        return path.relative_to(repo).as_posix()
    except ValueError:
        return str(path)
