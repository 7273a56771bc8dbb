"""The syllabus: the `:EN:`/`:FR:` tags of a deck's chapters, in deck order, per language.

`:XX:Heading` opens a module; `:XX:- item` adds a learning objective to the current module.
A part starts under its own title (its first chapter title in that language) and a loose
section under the deck's title, so items written before any heading still have a home.
A chapter used twice in a deck is listed once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from builder.model import Chapter, Deck
from builder.render.html import RenderedChapter


@dataclass(slots=True)
class Module:
    title: str
    items: list[str] = field(default_factory=list)
    path: str = ""
    line: int = 0


def deck_outline(deck: Deck, chapters: dict[tuple[str, int], Chapter],
                 rendered: dict[tuple[str, int], RenderedChapter], lang: str, title: str,
                 part_label: str) -> list[Module]:
    modules: list[Module] = []
    seen: set[tuple[str, int]] = set()
    for part in deck.parts:
        keys = [e.key for e in part.entries]
        if part.number is None:
            home = title.replace("\n", " ")
        else:
            first = next((t for k in keys for s in rendered[k].slides for t in s.titles), None)
            home = first or part_label.format(number=part.number)
        current: Module | None = None
        for key in keys:
            if key in seen:
                continue
            seen.add(key)
            for tag in (t for t in chapters[key].outline if t.lang == lang):
                if tag.kind == "module":
                    current = Module(tag.text, path=tag.path, line=tag.line)
                    modules.append(current)
                elif current is None or (modules and current is not modules[-1]):
                    current = Module(home, [tag.text], tag.path, tag.line)
                    modules.append(current)
                else:
                    current.items.append(tag.text)
    return [m for m in modules if m.items or m.title]


def outline_markdown(title: str, modules: list[Module]) -> str:
    lines = [f"# {title.replace(chr(10), ' ')}", ""]
    for module in modules:
        lines += [f"## {module.title}", ""]
        lines += [f"- {item}" for item in module.items]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
