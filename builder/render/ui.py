"""Every string that the deck's own interface shows, by key, in English.

Templates, generated slides and deck.js take their words from here (deck.js through a JSON
block in the page), never from literals, so that each language's build can translate them.
The keyboard shortcuts bring their own words from the keymap (keymap.py).
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from builder.course.po import quick_messages
from builder.render import keymap

UI: dict[str, str] = {
    "lab": "Lab",
    "extra_details": "Extra details",
    "part": "Part {number}",
    "previous_part": "Previous part",
    "next_part": "Next part",
    "back_to_contents": "Back to contents",
    "slide": "Slide {n} of {total}",
    # The deck's runtime: deck.js and deck.html.j2 (toolbar, dialogs, presenter view, print).
    "slide_titled": "Slide {n} of {total}: {title}",
    "controls": "Deck controls",
    "go_to_label": "Go to slide number",
    "go_to_invalid": "There is no slide {value}",
    "search_label": "Search the slides",
    "search_found": "{count} slides found",
    "search_found_some": "{count} slides found, the first {shown} are listed",
    "search_none": "No slide matches",
    "current_slide": "Current slide",
    "up_next": "Up next",
    "end_of_deck": "End of the deck",
    "notes": "Speaker notes",
    "no_notes": "No notes for this slide.",
    "notes_for": "Notes for slide {n}",
    "elapsed": "Elapsed time",
    "copy": "Copy",
    "copied": "Copied",
    "copy_failed": "Could not copy",
    "outline": "Course outline",
    "switch_language": "Other language",
    "untranslated": "Not translated yet: shown in English",
    # The course's index page (dist/index.html, builder/render/index.py).
    "index_title": "Course decks",
    "index_slides": "{count} slides",
    "index_duration": "Duration: {duration}",
    "index_outline": "Outline",
    "index_pdf": "PDF",
    # The keyboard shortcuts' labels, hints and key names (builder/render/keymap.py).
    **keymap.words(),
}


def ui_strings(lang: str = "en") -> dict[str, str]:
    """The table in `lang`: each English text through coursekit's own catalog for that language
    (builder/locale/<lang>.po); an untranslated word stays in English."""
    if lang == "en":
        return dict(UI)
    table = _catalog(lang)
    return {key: table.get(text) or text for key, text in UI.items()}


# Beside the package's code (importlib.resources would cost each build 3 ms of imports).
_LOCALE = Path(__file__).resolve().parents[1] / "locale"


@cache
def _catalog(lang: str) -> dict[str, str]:
    path = _LOCALE / f"{lang}.po"
    if not path.is_file():
        return {}
    data = path.read_bytes()
    quick = quick_messages(data)
    if quick is not None:
        return {msgid: text for msgid, text, _, fuzzy in quick if text and not fuzzy}
    from babel.messages.pofile import read_po  # only for what the quick reader leaves to Babel

    catalog = read_po(io.BytesIO(data), locale=lang)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def css_string(text: str) -> str:
    """A CSS string literal (for `content:`), safe inside a <style> element, in ASCII: any
    other character, quotes, backslashes and `<` as six-digit escapes (which need no space
    after them)."""
    return '"' + "".join(c if " " <= c <= "~" and c not in '"\\<' else f"\\{ord(c):06x}"
                         for c in text) + '"'
