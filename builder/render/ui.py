"""Every string that the deck's own interface shows, by key, in English.

Templates, generated slides and deck.js take their words from here (deck.js through a JSON
block in the page), never from literals, so that each language's build can translate them.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from babel.messages.pofile import read_po

UI: dict[str, str] = {
    "lab": "Lab",
    "extra_details": "Extra details",
    "part": "Part {number}",
    "previous_part": "Previous part",
    "next_part": "Next part",
    "back_to_contents": "Back to contents",
    "slide": "Slide {n} of {total}",
    "outline": "Course outline",
    "untranslated": "Not translated yet: shown in English",
}


def ui_strings(lang: str = "en") -> dict[str, str]:
    """The table in `lang`: each English text through coursekit's own catalog for that language
    (builder/locale/<lang>.po); an untranslated word stays in English."""
    if lang == "en":
        return dict(UI)
    table = _catalog(lang)
    return {key: table.get(text) or text for key, text in UI.items()}


@cache
def _catalog(lang: str) -> dict[str, str]:
    path = Path(str(resources.files("builder").joinpath("locale", f"{lang}.po")))
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def css_string(text: str) -> str:
    """A CSS string literal (for `content:`), safe inside a <style> element."""
    return json.dumps(text).replace("<", "\\3c ")
