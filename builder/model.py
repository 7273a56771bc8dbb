"""The source model every stage reads: Deck -> Part -> Chapter -> Slide -> (Lab -> Step).

Each element knows the file and 1-based line it came from, so the builder, the syllabus,
the translator and the lab harness can all point a trainer at the exact line to fix.
Paths are relative to the course repository root (POSIX separators).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from builder.diagnostics import Diagnostic


def shown_classes(value: str) -> tuple[str, ...]:
    """The classes a `class:` value gives a slide's element (commas or spaces between)."""
    return tuple(value.replace(",", " ").split())


@dataclass(slots=True)
class Step:
    """One fenced block of a lab: what a runner types, waits for, or skips."""

    method: str
    data: str  # backtick highlights already stripped
    hidden: bool  # inside an HTML comment: the audience never sees it
    path: str
    line: int  # where the data starts (the fence line for one-line fences)
    info: str = ""  # the fence's whole info string

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(slots=True)
class CodeBlock:
    """A fenced block anywhere on a slide: YAML shown to the audience is checked too."""

    lang: str
    text: str  # backtick highlights stripped
    path: str
    line: int  # first line of the text
    in_lab: bool = False


@dataclass(slots=True)
class Lab:
    """A `.lab[` (or older `.exercise[`) block and its steps, in order."""

    path: str
    line: int
    macro: str
    steps: list[Step] = field(default_factory=list)
    slide_index: int = 0  # index of its slide in Chapter.slides


@dataclass(slots=True)
class Title:
    """A `# ` heading: a table-of-contents entry that gets a generated title slide."""

    text: str
    path: str
    line: int
    source: str = ""  # its Markdown, the message a translation replaces


@dataclass(slots=True)
class OutlineTag:
    """An `:EN:`/`:FR:` line of speaker notes: a module heading or a learning objective."""

    lang: str  # lower case: "en", "fr"
    kind: Literal["module", "item"]
    text: str
    path: str
    line: int


@dataclass(slots=True)
class Increment:
    """One `--` step of a slide: shown as its own slide, repeating everything before it.

    remark reads each step as a slide of its own that continues the one before: it may have its
    own `key: value` lines on top, its classes add to the earlier steps', and a deck's `exclude`
    drops it alone (the steps after it then continue without it)."""

    line: int  # where this increment's own text starts
    source: str  # cumulative Markdown shown by this increment
    lines: list[tuple[str, int]]  # (path, line) of each line of `source`
    tokens: Any = None  # markdown-it tokens; dropped before crossing process boundaries
    shared: int = 0  # leading tokens that are the final increment's own (render them once)
    properties: dict[str, str] = field(default_factory=dict)  # its own `key: value` lines
    property_lines: dict[str, tuple[str, int]] = field(default_factory=dict)
    own: int = 0  # index in `lines` of its own first line (what comes before is repeated)
    classes: tuple[str, ...] = ()  # shown classes: the slide's, then each step's own, in order


@dataclass(slots=True)
class Slide:
    path: str
    line: int
    properties: dict[str, str]
    increments: list[Increment]
    notes: str = ""  # Markdown of the speaker notes, outline tags removed
    notes_line: int = 0
    notes_tokens: Any = None
    notes_lines: list[tuple[str, int]] = field(default_factory=list)  # (path, line) per notes line
    titles: list[Title] = field(default_factory=list)
    labs: list[Lab] = field(default_factory=list)
    outline: list[OutlineTag] = field(default_factory=list)
    images: list[tuple[str, str, int]] = field(default_factory=list)  # (src, path, line)
    code: list[CodeBlock] = field(default_factory=list)
    property_lines: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (path, line)
    blank_tags: list[OutlineTag] = field(default_factory=list)  # `:EN:` lines with nothing after

    @property
    def classes(self) -> tuple[str, ...]:
        return shown_classes(self.properties.get("class", ""))

    @property
    def name(self) -> str | None:
        return self.properties.get("name") or None

    def every_property_line(self) -> list[tuple[str, tuple[str, int]]]:
        """(key, (path, line)) of the `key: value` lines on top of the slide and of its steps."""
        found = list(self.property_lines.items())
        for inc in self.increments[1:]:
            found.extend(inc.property_lines.items())
        return found

    @property
    def hidden(self) -> bool:
        """`exclude: true` slides and `layout: true` templates are never shown."""
        return (self.properties.get("exclude", "").lower() == "true"
                or self.properties.get("layout", "") == "true")

    def kept(self, exclude: frozenset[str] | set[str]) -> list[bool]:
        """Which steps a deck that excludes these classes shows. As in remark, a step is
        dropped for its own `exclude: true`, or when one of its classes is excluded: its own,
        and for the first step the layout's. remark splits a `class` value at `, ` (comma and
        one space) to compare it with a deck's `exclude`, so `class: a,b` is the one class
        `a,b` there (though it shows classes a and b)."""
        if self.properties.get("layout", "") == "true":
            return [False] * len(self.increments)
        flags = []
        for k, inc in enumerate(self.increments):
            props = self.properties if k == 0 else inc.properties
            classes = props.get("class", "")
            dropped = not exclude.isdisjoint(classes.split(", ")) if classes else "" in exclude
            flags.append(props.get("exclude", "").lower() != "true" and not dropped)
        return flags


@dataclass(slots=True)
class Chapter:
    """A chapter file, or an inline Markdown entry of a manifest (then `path` is the manifest)."""

    path: str
    line: int
    slides: list[Slide]
    includes: list[str] = field(default_factory=list)  # files pulled in by @@INCLUDE
    diagnostics: list[Diagnostic] = field(default_factory=list)  # what remark tolerates, and lints
    lab_macros: tuple[str, ...] = ()  # the macro names it was read with (styled as labs)

    @property
    def key(self) -> tuple[str, int]:
        return (self.path, self.line)

    @property
    def titles(self) -> list[Title]:
        return [t for s in self.slides for t in s.titles]

    @property
    def labs(self) -> list[Lab]:
        return [lab for s in self.slides for lab in s.labs]

    @property
    def outline(self) -> list[OutlineTag]:
        return [t for s in self.slides for t in s.outline]

    @property
    def code(self) -> list[CodeBlock]:
        return [c for s in self.slides for c in s.code]

    def strip_tokens(self) -> Chapter:
        for slide in self.slides:
            slide.notes_tokens = None
            for inc in slide.increments:
                inc.tokens = None
        return self


@dataclass(slots=True)
class Entry:
    """One entry of a manifest's `content`: a chapter file or inline Markdown."""

    path: str  # chapter path relative to the repo, or the manifest's for inline Markdown
    line: int  # line in the manifest
    inline: str | None = None  # the Markdown text, for inline entries
    inline_line: int = 0  # line in the manifest where that text starts

    @property
    def key(self) -> tuple[str, int]:
        return (self.path, self.inline_line) if self.inline is not None else (self.path, 1)


@dataclass(slots=True)
class Part:
    """A list in `content`: one part of the table of contents. Loose entries have number None."""

    number: int | None
    entries: list[Entry]
    line: int


@dataclass(slots=True)
class Deck:
    path: str
    stem: str
    title: str
    strings: dict[str, str]  # CHAT, GITREPO, ... substituted for @@KEY@@
    exclude: list[str]
    parts: list[Part]
    line: int = 1
    duration: str = ""  # as the manifest says it ("2 days", "3h"): shown on the index page

    @property
    def entries(self) -> list[Entry]:
        return [e for p in self.parts for e in p.entries]
