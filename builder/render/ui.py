"""Every string that the deck's own interface shows, by key, in English.

Templates, generated slides and deck.js take their words from here (deck.js through a JSON
block in the page), never from literals, so that each language's build can translate them.
"""

from __future__ import annotations

import json

UI: dict[str, str] = {
    "lab": "Lab",
    "extra_details": "Extra details",
    "part": "Part {number}",
    "previous_part": "Previous part",
    "next_part": "Next part",
    "back_to_contents": "Back to contents",
    "slide": "Slide {n} of {total}",
}


def ui_strings(lang: str = "en") -> dict[str, str]:
    return dict(UI)


def css_string(text: str) -> str:
    """A CSS string literal (for `content:`), safe inside a <style> element."""
    return json.dumps(text).replace("<", "\\3c ")
