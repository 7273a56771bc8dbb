"""Lints of a parsed slide: what remark shows, but not as the author meant it.

Each is one small function registered in the check registry (builder/checks.py) at the
`slide` or `chapter` tier, run by the course layer on every freshly parsed chapter (its tokens
still attached). Each finding is a warning: the deck builds as remark would show it, and `--strict`
makes it an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from builder.checks import check
from builder.config import Settings
from builder.course.pictures import is_remote, leaves_slides, local_picture, picture_file
from builder.course.translations import LANGUAGES
from builder.diagnostics import Diagnostic, error, note, warning
from builder.files import OUTSIDE
from builder.model import Chapter, OutlineTag, Slide, shown_classes

# The properties remark itself reads at the top of a slide.
KNOWN_PROPERTIES = frozenset({
    "name", "class", "layout", "exclude", "count", "template", "seq", "continued",
    "background-image", "background-size", "background-position", "background-repeat",
    "background-color", "highlight-style",
})


@dataclass(frozen=True, slots=True)
class SlideContext:
    repo: Path
    chapter: Chapter
    settings: Settings


@check("slide", name="unknown-property")
def unknown_property(slide: Slide, ctx: SlideContext) -> Iterator[Diagnostic]:
    """A `key: value` line on top of a slide that remark takes as a property it does not know."""
    for key, (path, line) in slide.every_property_line():
        if key not in KNOWN_PROPERTIES and not key[:1].isupper():
            yield warning(path, line, f"unknown slide property {key!r} (remark takes `key: value` "
                                      "lines on top of a slide as properties and hides them)")


@check("slide", name="word-colon")
def word_colon(slide: Slide, ctx: SlideContext) -> Iterator[Diagnostic]:
    """A slide starting with prose such as `Note: ...`: remark reads it as a property and hides it."""
    for key, (path, line) in slide.every_property_line():
        if key[:1].isupper():
            yield warning(path, line, f"the slide starts with `{key}:`, which remark reads as a "
                                      "property and hides (move it below the first line, or write "
                                      f"`{key}\\:`)")


@check("slide", name="class-list")
def class_list(slide: Slide, ctx: SlideContext) -> Iterator[Diagnostic]:
    """`class: a,b`: shown with classes a and b, but one class `a,b` to a deck's `exclude`."""
    values = [(slide.properties.get("class", ""), slide.property_lines.get("class"))]
    values += [(inc.properties.get("class", ""), inc.property_lines.get("class"))
               for inc in slide.increments[1:]]
    for value, where in values:
        odd = [part for part in value.split(", ") if len(shown_classes(part)) > 1]
        if where is None or not odd:
            continue
        names = [name for part in odd for name in shown_classes(part)]
        yield note(*where, f"remark reads `class: {value}` as the one class "
                           f"{', '.join(repr(p) for p in odd)} when a deck excludes classes, so no "
                           f"deck drops this slide for {' or '.join(repr(n) for n in names)} "
                           f"(write `class: {', '.join(shown_classes(value))}`)")


@check("slide", name="empty-outline-tag")
def empty_outline_tag(slide: Slide, ctx: SlideContext) -> Iterator[Diagnostic]:
    """An `:EN:` line with nothing after it: no module, no objective."""
    for tag in slide.blank_tags:
        yield warning(tag.path, tag.line, f"empty :{tag.lang.upper()}: tag")


@check("slide", name="missing-picture")
def missing_picture(slide: Slide, ctx: SlideContext) -> Iterator[Diagnostic]:
    """A picture under slides/ that is not there: the slide shows a broken image."""
    for src, path, line in slide.images:
        rel = local_picture(src)
        if rel is None:
            continue
        file = picture_file(ctx.repo, rel, ctx.settings.shared_folders)
        if file is not None and not file.is_file():
            yield warning(path, line, f"image not found: slides/{rel}")


@check("slide", name="picture-outside-repository")
def picture_outside_repository(slide: Slide, ctx: SlideContext) -> Iterator[Diagnostic]:
    """A picture under slides/ that is a link out of the repository: published with the deck, it
    would carry a file of the machine that builds it. Refused whatever it leads to."""
    for src, path, line in slide.images:
        rel = local_picture(src)
        if rel is not None and picture_file(ctx.repo, rel, ctx.settings.shared_folders) is None:
            yield error(path, line, f"picture slides/{rel}: {OUTSIDE}")


@check("slide", name="remote-picture")
def remote_picture(slide: Slide, ctx: SlideContext) -> Iterator[Diagnostic]:
    """A picture from the web: the deck needs the network to show it."""
    for src, path, line in slide.images:
        if is_remote(src):
            yield warning(path, line, f"picture from the web: {src} (the deck needs the network "
                                      "to show it; copy it under slides/images/)")


@check("slide", name="picture-outside-slides")
def picture_outside_slides(slide: Slide, ctx: SlideContext) -> Iterator[Diagnostic]:
    """A picture path that climbs out of slides/: it is not copied beside the deck."""
    for src, path, line in slide.images:
        if leaves_slides(src):
            yield warning(path, line, f"image outside slides/: {src}")


@check("slide", name="lab-macro-typo")
def lab_macro_typo(slide: Slide, ctx: SlideContext) -> Iterator[Diagnostic]:
    """A block macro one letter away from a lab macro (`.exercice[`): its steps are no lab."""
    labs = ctx.settings.lab_macros
    final = slide.increments[-1] if slide.increments else None
    for tok in (final.tokens or []) if final else []:
        if tok.type != "macro_open" or not tok.map:
            continue
        name = tok.info.split(".")[0]
        if name in labs:
            continue
        import difflib  # here: needed only for a macro that is not a lab's

        near = difflib.get_close_matches(name, labs, n=1, cutoff=0.85)
        if near:
            path, line = final.lines[min(tok.map[0], len(final.lines) - 1)]
            yield warning(path, line, f"macro .{name}[ looks like the lab macro .{near[0]}[: its "
                                      "code is not read as lab steps (fix the name, or add it to "
                                      "`lab-macros` in the course settings)")


@dataclass(frozen=True, slots=True)
class Shape:
    """How much of an outline a chapter has in one language."""

    modules: int
    items: int
    line: int

    def __str__(self) -> str:
        return (f"{self.modules} module{'s' * (self.modules != 1)} and "
                f"{self.items} item{'s' * (self.items != 1)}")


def shapes(tags: list[OutlineTag], langs: tuple[str, ...]) -> dict[str, Shape]:
    out = {}
    for lang in langs:
        mine = [t for t in tags if t.lang == lang]
        out[lang] = Shape(sum(t.kind == "module" for t in mine), sum(t.kind == "item" for t in mine),
                          mine[0].line if mine else 0)
    return out


@check("chapter", name="outline-languages")
def outline_languages(chapter: Chapter, ctx: SlideContext) -> Iterator[Diagnostic]:
    """A chapter whose `:EN:` outline and another language's differ in shape: the syllabi of
    the two languages would not say the same thing."""
    tags = chapter.outline
    if not tags:
        return
    source = LANGUAGES[0]
    for other in LANGUAGES[1:]:
        got = shapes(tags, (source, other))
        a, b = got[source], got[other]
        if (a.modules, a.items) == (b.modules, b.items):
            continue
        line = (b.line if b.items or b.modules else a.line) or chapter.line
        if not (b.items or b.modules):
            what = f"no :{other.upper()}: outline (the :{source.upper()}: one has {a})"
        elif not (a.items or a.modules):
            what = f"no :{source.upper()}: outline (the :{other.upper()}: one has {b})"
        else:
            what = f":{source.upper()}: outline has {a}, :{other.upper()}: has {b}"
        yield warning(tags[0].path, line, what)
