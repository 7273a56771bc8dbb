"""What lint knows about a deck page: each section as measured in Chromium, and each authored
slide with its `--` steps, so that a finding can point at the source line to edit.

The browser only measures (builder/lint/measure.js); these types carry its facts to the rules
(builder/lint/rules.py), together with the source model the sections were built from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.model import Deck, Slide

SIDES = ("top", "right", "bottom", "left")
# (slide's path, slide's line) -> (class, path, line) of each `.name[` macro on its final step
Macros = dict[tuple[str, int], list[tuple[str, str, int]]]


@dataclass(frozen=True, slots=True)
class Clip:
    """A box on the slide that cuts its own text (a code line wider than its block)."""

    tag: str
    x: int  # pixels cut on the right
    y: int  # pixels cut at the bottom
    text: str  # the widest line of the box's text


@dataclass(frozen=True, slots=True)
class Picture:
    src: str  # as written in the page
    url: str  # as the browser resolved it
    loaded: bool
    natural: tuple[int, int]
    shown: tuple[int, int]  # CSS pixels of the 1600x900 stage
    complete: bool = True  # False: still loading when the wait ended (a slow file, a busy machine)


@dataclass(slots=True)
class Section:
    """One `<section class="slide">`: a `--` step of an authored slide, or a generated slide."""

    index: int  # 0-based position in the deck; the deck's URL is `#index+1`
    id: str
    source: str | None  # "path:line" (None for generated slides)
    generated: str | None
    step: str  # "k/n", or "" for a slide of one step
    over: tuple[int, int, int, int]  # pixels past the frame's top, right, bottom, left edges
    clips: list[Clip]
    links: list[str]  # #hrefs that lead to no slide
    pictures: list[Picture]
    empty: bool
    lost: list[str] = field(default_factory=list)  # ids of the built sections missing after it

    @classmethod
    def from_page(cls, fact: dict[str, Any]) -> Section:
        return cls(index=fact["i"], id=fact.get("id") or "", source=fact.get("source"),
                   generated=fact.get("generated"),
                   step=fact.get("step", ""), over=tuple(int(x) for x in fact["over"]),  # type: ignore[arg-type]
                   clips=[Clip(c["tag"], int(c["x"]), int(c["y"]), c["text"]) for c in fact["clips"]],
                   links=list(fact["links"]),
                   pictures=[Picture(p["src"], p["url"], bool(p["loaded"]),
                                     (int(p["natural"][0]), int(p["natural"][1])),
                                     (int(p["shown"][0]), int(p["shown"][1])),
                                     bool(p.get("complete", True))) for p in fact["pictures"]],
                   empty=bool(fact["empty"]))


@dataclass(slots=True)
class ShownSlide:
    """An authored slide as one deck page shows it (all its `--` steps), or a generated slide."""

    slide: Slide | None
    sections: list[Section]

    @property
    def path(self) -> str | None:
        return self.slide.path if self.slide else None

    @property
    def line(self) -> int | None:
        return self.slide.line if self.slide else None

    @property
    def deck_dependent(self) -> bool:
        return self.slide is None or any("@@" in inc.source for inc in self.slide.increments)

    def where_of(self, *needles: str) -> tuple[str, int | None] | None:
        """The first source line of the slide (its final step, notes excluded) holding one of
        `needles` (tried in order), as (path, line): a finding about a link or a code line
        points at that line (in an @@INCLUDEd file when it came from one), not at the slide."""
        if self.slide is None:
            return None
        final = self.slide.increments[-1]
        lines = list(zip(final.source.split("\n"), final.lines, strict=False))
        for needle in (n for n in needles if n):  # the most telling first
            for text, where in lines:
                if needle in text:
                    return where
        return None

    def section_line(self, section: Section) -> int | None:
        if section.source:
            return int(section.source.rpartition(":")[2])
        return self.line


@dataclass(slots=True)
class Page:
    """One built deck in one language, as the rules see it."""

    deck: Deck
    lang: str
    html: Path
    repo: Path
    styled: frozenset[str] = frozenset()  # class names that some style rule of the page names
    known: frozenset[str] = frozenset()  # classes that mean something without a style (exclude)
    first_named: dict[str, Slide] = field(default_factory=dict)  # name -> first shown slide
    lost: frozenset[str] = frozenset()  # ids in the built file that the browser never saw
    macros: Macros = field(default_factory=dict)

    def tag(self, shown: ShownSlide) -> str:
        """Appended to measures that depend on the language (` [fr]`, nothing for English) or
        on the deck: a generated slide, or one with `@@` strings (`@@TOC@@` is each deck's)."""
        where = [self.deck.stem] if shown.deck_dependent else []
        where += [self.lang] if self.lang != "en" else []
        return f" [{', '.join(where)}]" if where else ""
