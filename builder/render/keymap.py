"""The deck's keyboard shortcuts: one table for the key handler, the toolbars, the help overlay
and the interface's words.

deck.js reads the table from a JSON block in the page and dispatches keys and toolbar clicks to
its action of the same name; deck.html.j2 draws the toolbar buttons and the help overlay from
it; ui.py adds its words to the interface's table, which builder/locale/fr.po translates.
Adding a shortcut is one entry here plus its French words (and, for a new action, its function
in deck.js's `actions`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

# How the help overlay writes a key (aria-keyshortcuts names). Arrows are drawn; named keys are
# words of the interface, translated like the others.
_ARROWS = {"ArrowRight": "→", "ArrowLeft": "←", "ArrowUp": "↑", "ArrowDown": "↓"}
KEY_NAMES = {"Space": "Space", "Shift": "Shift", "PageDown": "PageDown", "PageUp": "PageUp",
             "Home": "Home", "End": "End", "Escape": "Esc", "Enter": "Enter"}


@dataclass(frozen=True, slots=True)
class Shortcut:
    action: str  # deck.js's action of that name; `data-ck` of its buttons
    keys: tuple[str, ...]  # as aria-keyshortcuts names them: "ArrowRight", "Shift+Space", "G", "?"
    label: str  # what it does, in English: a word of the interface
    hint: str = ""  # another way to do it, in English, shown after the keys in the help
    bars: tuple[str, ...] = ()  # where its control is: "toolbar" (the deck's), "presenter" (its bar)
    when: str = ""  # "presenter" or "audience": that view only; "dialog": while one is open
    link: bool = False  # its control is a link that deck.js points somewhere (edit this slide)

    @property
    def word(self) -> str:
        """Its label's key in the interface's table (ui.py)."""
        return self.action.replace("-", "_")


KEYMAP: tuple[Shortcut, ...] = (
    Shortcut("previous", ("ArrowLeft", "ArrowUp", "PageUp", "Shift+Space"), "Previous slide",
             hint="or tap the left of the slide", bars=("toolbar",)),
    Shortcut("next", ("ArrowRight", "ArrowDown", "PageDown", "Space"), "Next slide",
             hint="or tap the right of the slide", bars=("toolbar",)),
    Shortcut("first", ("Home",), "First slide"),
    Shortcut("last", ("End",), "Last slide"),
    Shortcut("go-to", ("G",), "Go to slide", hint="then a number and Enter", bars=("toolbar",)),
    Shortcut("search", ("/",), "Search", bars=("toolbar",)),
    Shortcut("overview", ("O",), "Overview", bars=("toolbar",)),
    Shortcut("presenter", ("P",), "Presenter view", bars=("toolbar",), when="audience"),
    Shortcut("timer-reset", ("T",), "Reset the timer", bars=("presenter",), when="presenter"),
    Shortcut("mirror", ("M",), "Mirror the audience view", bars=("presenter",), when="presenter"),
    Shortcut("edit", ("E",), "Edit this slide", bars=("toolbar", "presenter"), link=True),
    Shortcut("help", ("?",), "Keyboard shortcuts", bars=("toolbar",)),
    Shortcut("close", ("Escape",), "Close", when="dialog"),
)


def words() -> dict[str, str]:
    """The keymap's words for the interface's table: labels, hints, and the named keys it uses."""
    table: dict[str, str] = {}
    for s in KEYMAP:
        table[s.word] = s.label
        if s.hint:
            table[f"hint_{s.word}"] = s.hint
        for key in s.keys:
            for part in key.split("+"):
                if part in KEY_NAMES:
                    table[f"key_{part}"] = KEY_NAMES[part]
    return table


def key_label(key: str, ui: dict[str, str]) -> str:
    """"Shift+Space" -> "Maj+Espace" in French: how the help overlay shows a key."""
    return "+".join(_ARROWS.get(p) or ui.get(f"key_{p}") or p for p in key.split("+"))


def for_template(ui: dict[str, str]) -> list[dict]:
    """Each shortcut with its words in one language, for deck.html.j2."""
    return [{"action": s.action, "label": ui[s.word], "hint": ui.get(f"hint_{s.word}", ""),
             "keys": " ".join(s.keys), "shown": [key_label(k, ui) for k in s.keys],
             "bars": s.bars, "when": s.when, "link": s.link} for s in KEYMAP]


def for_script() -> str:
    """The table as deck.js reads it (#ck-keys): action, keys, when."""
    return json.dumps([{"action": s.action, "keys": list(s.keys), "when": s.when} for s in KEYMAP])
