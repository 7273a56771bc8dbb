"""The course's front page, `OUT/index.html`: each deck with its title, languages, slide count,
duration (when its manifest gives one), and links to its outline and PDF in each language.

`coursekit build` writes it after the decks, `coursekit pdf` again once the PDFs exist (a link
is only shown to a file that is there, so the page works offline, from disk or a USB stick).
Decks built earlier into the same folder stay listed: their title and slide count are read back
from their HTML. Self-contained like the decks: inline CSS, no script, no request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import jinja2

from builder.files import same_text, write_atomic
from builder.render.deck import LANGUAGE_NAMES
from builder.render.ui import ui_strings
from builder.templates import environment

_TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)
_GENERATOR = '<meta name="generator" content="coursekit">'


@dataclass(frozen=True, slots=True)
class Built:
    """One deck in one language, as the build made it."""

    stem: str
    lang: str
    title: str
    slides: int
    duration: str = ""


@dataclass(slots=True)
class _Version:
    lang: str
    name: str  # the language's name, in that language
    title: str
    slides: int
    deck: str  # links, relative to the index
    outline: str = ""
    pdf: str = ""


@dataclass(slots=True)
class _Deck:
    stem: str
    duration: str
    versions: list[_Version] = field(default_factory=list)


def write_index(out: Path, built: list[Built], lang: str = "en") -> Path:
    """Write `out/index.html` in `lang`, listing `built` and the other decks already in `out`."""
    rows = {(b.stem, b.lang): b for b in built}
    for html in sorted(out.glob("*/*.html")):
        key = (html.stem, html.parent.name)
        if key not in rows and not html.stem.endswith("-outline"):
            found = _read_back(html)
            if found is not None:
                rows[key] = found
    decks: dict[str, _Deck] = {}
    order = {code: n for n, code in enumerate([lang, *LANGUAGE_NAMES])}
    for (stem, code), b in sorted(rows.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 99))):
        deck = decks.setdefault(stem, _Deck(stem, b.duration))
        deck.duration = deck.duration or b.duration
        folder = out / code
        deck.versions.append(_Version(
            lang=code, name=LANGUAGE_NAMES.get(code, code), title=b.title, slides=b.slides,
            deck=f"{code}/{stem}.html",
            outline=f"{code}/{stem}-outline.html" if (folder / f"{stem}-outline.html").is_file() else "",
            pdf=f"{code}/{stem}.pdf" if (folder / f"{stem}.pdf").is_file() else ""))
    html = _template().render(lang=lang, ui=ui_strings(lang), decks=list(decks.values()))
    target = out / "index.html"
    if not same_text(target, html):  # unchanged: left alone (an incremental build keeps it)
        write_atomic(target, html)
    return target


def _read_back(html: Path) -> Built | None:
    """A deck of an earlier build: its title and slide count, from the file itself."""
    try:
        text = html.read_text("utf-8", errors="replace")
    except OSError:
        return None
    if _GENERATOR not in text[:2000] or '<main class="deck"' not in text:
        return None
    title = _TITLE_RE.search(text[:4000])
    return Built(html.stem, html.parent.name, unescape(title.group(1)) if title else html.stem,
                 text.count('<section class="slide'))


def _template() -> jinja2.Template:
    return environment("builder.render").get_template("index.html.j2")


def warm() -> None:
    """Load the page's template now (a build does it while a forked child compiles)."""
    _template()
