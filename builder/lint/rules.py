"""The lint rules: what goes wrong in front of a room, one registered check each.

Each is a check of tier "page" (builder/checks.py): it takes one authored slide as a deck page
showed it (`ShownSlide`: its `--` steps measured in Chromium, or a generated slide) and the
`Page`, and yields findings at the source line to edit. A slide shared by several decks, or
measured in both languages, gives the same finding once (`diagnostics.unique`); measures that
depend on the language say which (` [fr]`).

Severities: an error is something the audience will see broken (content cut off by the frame,
a link that goes nowhere, a picture that does not show); a warning is probably a mistake (a
class with no style, an empty slide, a reused name, a remote picture); a note asks for nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pygments.token import STANDARD_TYPES

from builder.checks import check
from builder.diagnostics import Diagnostic, Location, error, note, warning
from builder.lint.facts import SIDES, Page, Section, ShownSlide
from builder.markdown.inline import children
from builder.model import Chapter, Slide
from builder.render.chromium import file_path

TOLERANCE = 1  # pixels: sub-pixel rounding is no overflow
FAR_LARGER = 4  # a picture this many times wider and taller than shown is far too large
SHOWN_MAX = 60  # characters of a line quoted in a message
_LINK_RE = re.compile(r"@@LINK\[([^\]\n]+)\]")
# Classes that choose decks (a manifest's `exclude`) rather than a look.
SEMANTIC_CLASSES = frozenset({"in-person", "self-paced"})
_TOKEN_CLASSES = frozenset(STANDARD_TYPES.values())


def _at(shown: ShownSlide, page: Page, section: Section | None = None) -> tuple[str, int | None]:
    """Where a finding about a section goes: its step's line, else its slide's, else (for a
    slide the builder generated) the deck's manifest."""
    if section is not None and section.source:
        path, _, line = section.source.rpartition(":")
        return path, int(line)
    if shown.slide is not None:
        return shown.slide.path, shown.slide.line
    return page.deck.path, None


def _property_line(slide: Slide, key: str) -> tuple[str, int]:
    """Where a slide's `key:` property is written (the slide's first line if it has none)."""
    return slide.property_lines.get(key, (slide.path, slide.line))


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


def _what(shown: ShownSlide) -> str:
    return "" if shown.slide is not None else f"the generated {shown.sections[0].generated} slide: "


@check("page", name="overflow")
def _overflow(shown: ShownSlide, page: Page) -> Iterator[Diagnostic]:
    """Content past the edges of the 16:9 frame, at any `--` step: the audience never sees it."""
    first = next((s for s in shown.sections if max(s.over) > TOLERANCE), None)
    if first is None:
        return
    worst = [max(s.over[k] for s in shown.sections) for k in range(4)]
    sides = ", ".join(f"{px} px at the {side}" for side, px in zip(SIDES, worst, strict=True)
                      if px > TOLERANCE)
    step = f" (from step {first.step})" if first.step else ""
    yield error(*_at(shown, page, first),
                f"{_what(shown)}content runs past the 16:9 frame by {sides}{step}{page.tag(shown)}")


@check("page", name="lost-slides")
def _lost_slides(shown: ShownSlide, page: Page) -> Iterator[Diagnostic]:
    """Slides the browser never sees: raw HTML on this slide swallows the rest of the deck."""
    for section in shown.sections:
        if section.lost:
            n = len(section.lost)
            yield error(*_at(shown, page, section),
                        f"{_what(shown)}the {n} slide{'s' if n > 1 else ''} after this one in "
                        f"{page.html.name} {'are' if n > 1 else 'is'} lost from the page{page.tag(shown)}: "
                        "raw HTML here "
                        "(an unclosed `<!--`, `<script>` or `<textarea>`?) swallows "
                        f"{'them' if n > 1 else 'it'}")


@check("page", name="clipped-text")
def _clipped_text(shown: ShownSlide, page: Page) -> Iterator[Diagnostic]:
    """A box that cuts its text: a code line wider than its block scrolls out of sight."""
    seen: set[str] = set()
    for section in shown.sections:
        for clip in section.clips:
            if clip.text in seen:
                continue
            seen.add(clip.text)
            what = "code line" if clip.tag in ("pre", "code") else f"text of a <{clip.tag}>"
            cut = " and ".join(x for x in (f"{clip.x} px on the right" if clip.x else "",
                                           f"{clip.y} px at the bottom" if clip.y else "") if x)
            where = shown.where_of(clip.text, clip.text[:24]) or _at(shown, page, section)
            yield warning(*where, f"{_what(shown)}{what} cut by {cut}: {_quoted(clip.text)}{page.tag(shown)}")


@check("page", name="broken-anchor")
def _broken_anchor(shown: ShownSlide, page: Page) -> Iterator[Diagnostic]:
    """A `#anchor` link to no slide of this deck: it leaves the trainer where they were."""
    seen: set[str] = set()
    for section in shown.sections:
        for href in section.links:
            if href in seen or href[1:] in page.lost:
                continue  # a link to a lost slide: the lost-slides error says why
            seen.add(href)
            where = (shown.where_of(f"({href})", f'"{href}"', f"'{href}'", href if len(href) > 2 else "")
                     or _at(shown, page, section))
            if href == "#":
                yield warning(*where, f"{_what(shown)}link to `#` leads nowhere")
            else:
                yield error(*where, f"{_what(shown)}link to {href}: no slide of {page.deck.stem} "
                                    f"has that name or anchor")


@check("page", name="link-target")
def _link_target(shown: ShownSlide, page: Page) -> Iterator[Diagnostic]:
    """An `@@LINK[path]` to a file that is not in the repository: the forge will answer 404."""
    if shown.slide is None:
        return
    final = shown.slide.increments[-1]
    repo = page.repo.resolve()
    for text, (path, line) in zip(final.source.split("\n"), final.lines, strict=False):
        for m in _LINK_RE.finditer(text):
            target = m.group(1).strip()
            resolved = (repo / target.lstrip("/")).resolve()
            if not resolved.is_relative_to(repo):
                yield error(path, line, f"@@LINK target outside the repository: {target}")
            elif not resolved.exists():
                yield error(path, line, f"@@LINK target not found in the repository: {target}")


def _picture_where(shown: ShownSlide, page: Page, section: Section, src: str) -> tuple[str, int | None]:
    if shown.slide is not None:
        for written, path, line in shown.slide.images:
            if written == src or unquote(written) == unquote(src):
                return path, line
    return _at(shown, page, section)


def _course_path(url: str, page: Page) -> str:
    """A picture's URL as the trainer wrote it: `slides/...` for files of the build."""
    path = file_path(url)
    if path is None:
        return url
    try:
        return "slides/" + path.relative_to(page.html.parent).as_posix()
    except ValueError:
        return str(path)


@check("page", name="picture")
def _picture(shown: ShownSlide, page: Page) -> Iterator[Diagnostic]:
    """Pictures that will not show in the room: missing files, and remote ones (no network)."""
    seen: set[str] = set()
    for section in shown.sections:
        for pic in section.pictures:
            if pic.src in seen or pic.loaded:
                continue
            seen.add(pic.src)
            where = _picture_where(shown, page, section, pic.src)
            scheme = urlsplit(pic.url).scheme
            if scheme in ("http", "https"):
                yield warning(*where, f"remote picture: the deck must work without a network "
                                      f"(copy it into slides/images/): {pic.url}")
            elif scheme == "file" and not file_path(pic.url).is_relative_to(page.html.parent):
                yield error(*where, f"picture outside the course's slides/ folder: {pic.src}")
            elif scheme == "file" and not file_path(pic.url).is_file():
                yield error(*where, f"picture not found: {_course_path(pic.url, page)}")
            elif not pic.complete:  # no answer yet is no proof it is broken
                yield note(*where, f"picture still loading when lint stopped waiting, not checked: "
                                   f"{_course_path(pic.url, page)}{_megabytes(file_path(pic.url))}")
            else:
                yield error(*where, f"picture cannot be shown (not an image the browser reads): "
                                    f"{_quoted(pic.src)}")


def _megabytes(path: Path | None) -> str:
    try:
        size = path.stat().st_size if path else 0
    except OSError:
        return ""
    if size >= 100_000:
        return f"; {size / 1e6:.1f} MB"
    return f"; {size / 1e3:.0f} kB" if size >= 1000 else f"; {size} bytes" if size else ""


@check("page", name="large-picture")
def _large_picture(shown: ShownSlide, page: Page) -> Iterator[Diagnostic]:
    """A picture far larger than it is shown: the deck is heavy and slow for nothing."""
    seen: set[str] = set()
    for section in shown.sections:
        for pic in section.pictures:
            (nw, nh), (sw, sh) = pic.natural, pic.shown
            if pic.src in seen or not pic.loaded or not sw or not sh:
                continue
            if urlsplit(pic.url).path.lower().endswith(".svg"):
                continue  # drawn at any size
            ratio = min(nw / sw, nh / sh)
            if ratio < FAR_LARGER:
                continue
            seen.add(pic.src)
            yield note(*_picture_where(shown, page, section, pic.src),
                       f"picture is {nw}×{nh} px but shown at {sw}×{sh}: {ratio:.0f}× larger "
                       f"than needed ({_course_path(pic.url, page)}{_megabytes(file_path(pic.url))})")


def macros_of(repo: Path, chapter: Chapter) -> list[list[tuple[str, str, int]]]:
    """(class, path, line) of each `.name[` macro on each slide's final step, in slide order.

    It runs where the chapter is compiled, while its markdown-it tokens are there (they do not
    cross process boundaries): `compile_chapters(..., then=macros_of)`."""
    return [list(_slide_macros(slide)) for slide in chapter.slides]


def _slide_macros(slide: Slide) -> Iterator[tuple[str, str, int]]:
    final = slide.increments[-1] if slide.increments else None
    if final is None or final.tokens is None:
        return
    lines = final.lines

    def where(index: int) -> tuple[str, int]:
        return lines[min(index, len(lines) - 1)] if lines else (slide.path, slide.line)

    for tok in final.tokens:
        if tok.type == "macro_open" and tok.map:
            for name in tok.info.split("."):
                yield (name, *where(tok.map[0]))
        elif tok.type == "inline" and "[" in tok.content and tok.map:
            for child in children(tok):
                if child.type == "macro_inline_open":
                    for name in child.info.split("."):
                        yield (name, *where(tok.map[0]))


def _typos(a: str, b: str) -> int:
    """Typing mistakes between two names: letters added, dropped, changed or swapped (the
    optimal string alignment distance)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def _misspelt(name: str, candidates: list[str]) -> str | None:
    """The styled class `name` is a typo of: one slip in a short name, two in a long one."""
    allowed = 1 if len(name) <= 8 else 2
    best = min(candidates, key=lambda c: (_typos(name, c), c), default=None)
    return best if best is not None and _typos(name, best) <= allowed else None


def _look_alikes(page: Page) -> list[str]:
    """Classes a misspelt name may have meant: those with a look, minus the code highlighter's
    token classes (`nt`, `s2`) and the runtime's own (`ck-...`)."""
    return sorted(c for c in page.styled if c not in _TOKEN_CLASSES and not c.startswith("ck-"))


@check("page", name="unstyled-class")
def _unstyled_class(shown: ShownSlide, page: Page) -> Iterator[Diagnostic]:
    """A slide class or `.name[` macro that no style rule knows: a misspelt `class: pci` is a
    warning; a name like no styled one is a note (often a tag that other decks exclude)."""
    if shown.slide is None:
        return
    known = page.styled | page.known
    slide = shown.slide
    found = [(f"slide class {name!r}", name, *_property_line(slide, "class")) for name in slide.classes]
    found += [(f"macro .{name}[", name, path, line)
              for name, path, line in page.macros.get((slide.path, slide.line), ())]
    for what, name, path, line in found:
        if name in known:
            continue
        close = _misspelt(name, _look_alikes(page))
        if close:
            yield warning(path, line, f"{what} has no style rule (did you mean {close!r}?)")
        else:
            yield note(path, line, f"{what} has no style rule: it changes nothing on the slide")


@check("page", name="empty-slide")
def _empty_slide(shown: ShownSlide, page: Page) -> Iterator[Diagnostic]:
    """A slide that shows nothing: often a stray `---`."""
    if shown.slide is None or not shown.sections[-1].empty:
        return
    if shown.slide.properties.get("background-image"):
        return  # a picture slide, whatever this renderer makes of it
    yield warning(shown.slide.path, shown.slide.line, "empty slide: nothing on it is shown")


@check("page", name="duplicate-name")
def _duplicate_name(shown: ShownSlide, page: Page) -> Iterator[Diagnostic]:
    """A `name:` already taken by an earlier slide of the deck: links to it go to the first."""
    slide = shown.slide
    if slide is None or not slide.name:
        return
    first = page.first_named.get(slide.name)
    if first is not None and first is not slide:
        here, there = _property_line(slide, "name"), _property_line(first, "name")
        yield warning(*here, f"slide name {slide.name!r} is already used at {there[0]}:{there[1]}: "
                             f"links to #{slide.name} go there",
                      related=(Location(*there, "first used here"),))
