"""Deck assembly: chapters' fragments -> one self-contained HTML file.

Here live the deck-specific parts: excluded classes, slide numbering and ids, the generated
table of contents and title slides, `@@` strings, and the template with CSS and JS inlined.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from html import escape, unescape
from pathlib import Path

import jinja2
from markupsafe import escape as escape_markup

from builder import templates
from builder.model import Chapter, Deck, Slide, Title, shown_classes
from builder.render import diagrams, keymap
from builder.render.code import pygments_css
from builder.render.html import RenderedChapter, inline_html
from builder.render.ui import css_string, ui_strings
from builder.templates import Markup, environment

_SLUG_RE = re.compile(r"[^a-z0-9]+")
_AT_RE = re.compile(r"@@([A-Z]+)@@|@@LINK\[([^\]\n]+)\]")
_TAG_SPLIT_RE = re.compile(r"(<[^>]*>)")


def slugify(text: str) -> str:
    return _SLUG_RE.sub("-", text.lower()).strip("-") or "section"


@dataclass(slots=True)
class Shown:
    """One `<section>` of the deck: an increment of an authored slide, or a generated slide."""

    html: str
    classes: tuple[str, ...] = ()
    source: str | None = None  # "path:line"
    generated: str | None = None  # "toc" or "title"
    notes: str = ""
    id: str = ""
    count: bool = True
    step: str = ""  # "k/n" for the k-th of a slide's n `--` increments; "" for single ones


@dataclass(slots=True)
class _Heading:
    title: Title
    part: int
    text: str  # in the deck's language
    anchor: str = ""


@dataclass(slots=True)
class _Plan:
    items: list = field(default_factory=list)  # ("toc", part) | ("title", _Heading) | ("slide", ...)
    headings: list[_Heading] = field(default_factory=list)


class _Ids:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, wanted: str) -> str:
        candidate, n = wanted, 1
        while candidate in self.used:
            n += 1
            candidate = f"{wanted}-{n}"
        self.used.add(candidate)
        return candidate


def _kept(slide: Slide, exclude: set[str]) -> list[bool]:
    return [False] * len(slide.increments) if slide.hidden else slide.kept(exclude)


# Renders a step's Markdown (text, (path, line) of each line) as the chapter's HTML, in the
# deck's language: for the steps that a deck's `exclude` leaves without the ones before them.
Rerender = Callable[[Chapter, str, list[tuple[str, int]]], str]


@dataclass(slots=True)
class _Last:
    """The last authored step shown: what a step whose own slide is excluded continues."""

    source: str | None = None  # its Markdown (split into lines only when a step continues it)
    lines: list[tuple[str, int]] = field(default_factory=list)
    classes: tuple[str, ...] = ()


LANGUAGE_NAMES = {"en": "English", "fr": "Français"}  # each in its own language


def assemble(deck: Deck, chapters: dict[tuple[str, int], Chapter],
             rendered: dict[tuple[str, int], RenderedChapter], lang: str = "en",
             title: str | None = None, languages: tuple[str, ...] = (),
             rerender: Rerender | None = None) -> str:
    """One deck in one language; `title` is the manifest's title in that language, and
    `languages` those it is built in (the page links to the same slide in the others).
    `rerender` renders the rare steps that the deck's `exclude` leaves without an earlier one."""
    if title is not None and title != deck.title:
        deck = replace(deck, title=title)
    exclude = set(deck.exclude)
    ids = _Ids()
    plan = _Plan()
    for part in deck.parts:
        if part.number is not None:
            plan.items.append(("toc", part.number))
        for entry in part.entries:
            chapter, frags = chapters[entry.key], rendered[entry.key]
            for slide, frag in zip(chapter.slides, frags.slides, strict=True):
                kept = _kept(slide, exclude)
                if not any(kept):
                    continue
                if part.number is not None:
                    for title, text in zip(slide.titles, frag.titles or [t.text for t in slide.titles],
                                           strict=True):
                        heading = _Heading(title, part.number, text)
                        plan.headings.append(heading)
                        plan.items.append(("title", heading))
                plan.items.append(("slide", slide, frag, chapter, kept))

    # Authored names first (the first slide using a name keeps it), then generated anchors.
    named: set[int] = set()
    for item in plan.items:
        if item[0] == "slide" and item[1].name and item[1].name not in ids.used:
            ids.used.add(item[1].name)
            named.add(id(item))
    part_numbers = [i[1] for i in plan.items if i[0] == "toc"]
    toc_ids = {n: ids.take(f"toc-part-{n}") for n in part_numbers}
    for heading in plan.headings:
        heading.anchor = ids.take(f"toc-{slugify(heading.title.text)}")  # same anchors in every language

    ui = ui_strings(lang)
    gen = _generated()
    toc_html = str(gen.toc(part_numbers, plan.headings, toc_ids, ui))
    shown: list[Shown] = []
    last = _Last()
    has_diagrams = False
    index = {id(h): n for n, h in enumerate(plan.headings)}
    for item in plan.items:
        if item[0] == "toc":
            number = item[1]
            shown.append(Shown(html=str(gen.part_toc(number, plan.headings, ui)), classes=("toc",),
                               generated="toc", id=toc_ids[number]))
        elif item[0] == "title":
            heading = item[1]
            n = index[id(heading)]
            prev = plan.headings[n - 1].anchor if n > 0 else None
            nxt = plan.headings[n + 1].anchor if n + 1 < len(plan.headings) else None
            shown.append(Shown(html=str(gen.title_slide(heading, prev, toc_ids[heading.part], nxt, ui)),
                               classes=("title",), generated="title", id=heading.anchor))
        else:
            _, slide, frag, chapter, kept = item
            has_diagrams = has_diagrams or bool(frag.diagrams)
            extra = ("untranslated",) if frag.untranslated else ()
            for k, inc, html in _steps(slide, frag, chapter, kept, last, rerender):
                shown.append(Shown(html=html, classes=last.classes + extra,
                                   source=f"{slide.path}:{inc.line}",
                                   id=slide.name if k == 0 and id(item) in named else "",
                                   notes=frag.notes,
                                   # remark's `count: false` is the step's own: not inherited
                                   count=(slide.properties if k == 0 else inc.properties)
                                   .get("count", "").lower() != "false",
                                   step=f"{k + 1}/{len(slide.increments)}"
                                   if len(slide.increments) > 1 else ""))

    for number, s in enumerate(shown, 1):
        if not s.id:
            s.id = ids.take(f"slide-{number}")
        s.html = _substitute(s.html, deck, toc_html)
        if s.notes:
            s.notes = _substitute(s.notes, deck, toc_html)

    # Raw HTML of a slide may hold raw text (a <script>, a <style>...) in which the HTML parser
    # reads no character reference: then the page is made ASCII the careful way.
    raw_text = any(part and not part.isascii() and _RAW_TEXT_RE.search(part)
                   for s in shown for part in (s.html, s.notes))
    return ascii_html(_template().render(
        lang=lang,
        ui=ui,
        ui_json=Markup(json.dumps(ui).replace("</", "<\\/")),
        keys=keymap.for_template(ui),
        keys_json=Markup(keymap.for_script()),
        css_vars={"--ck-lab": Markup(css_string(ui["lab"])),
                  "--ck-untranslated": Markup(css_string(ui["untranslated"])),
                  "--ck-extra-details": Markup(css_string(ui["extra_details"]))},
        edit_base=_edit_base(deck),
        mermaid=diagrams.FILE_NAME if has_diagrams and diagrams.library() else "",
        languages=[{"code": code, "name": LANGUAGE_NAMES.get(code, code),
                    "href": f"../{code}/{deck.stem}.html"} for code in languages if code != lang],
        title=" ".join(unescape(deck.title).split()),  # the course's builder passes it raw
        prefix=deck.strings.get("SLIDENUMBERPREFIX", ""),
        sections=Markup(sections(shown)),
        css=Markup(_static("deck.css") + "\n" + pygments_css()),
        js=Markup(_static("deck.js")),
        source=deck.path,
    ), careful=raw_text)


_SPECIAL_RE = re.compile(r"[&<>\"']")


def _attribute(value: object) -> str:
    """An attribute value escaped as Jinja's autoescape does (most need nothing: ids, paths)."""
    text = str(value)
    return str(escape_markup(text)) if _SPECIAL_RE.search(text) else text


def sections(shown: list[Shown]) -> str:
    """The deck's `<section>`s. Written here rather than looped over in the template: for a
    deck of 2,400 slides Jinja's loop took 5 ms more, on every edit. Slide HTML and notes come
    from the renderer, already escaped; attribute values are escaped here, as Jinja would."""
    e = _attribute
    out = []
    for s in shown:
        classes = " " + e(" ".join(s.classes)) if s.classes else ""
        where = (f' data-generated="{e(s.generated)}"' if s.generated
                 else f' data-source="{e(s.source)}"')
        step = f' data-step="{e(s.step)}"' if s.step else ""
        count = "" if s.count else ' data-count="false"'
        notes = f'<aside class="notes" hidden>\n{s.notes}\n</aside>\n' if s.notes else ""
        out.append(f'<section class="slide{classes}" id="{e(s.id)}"{where}{step}{count}>\n'
                   f'<div class="content">\n{s.html}\n</div>\n{notes}</section>\n')
    return "".join(out)


# Elements whose text the HTML parser takes as it is, character references included.
_RAW_TEXT = "script|style|xmp|iframe|noembed|noframes|noscript"
_RAW_TEXT_RE = re.compile(rf"<(?:{_RAW_TEXT}|plaintext)\b", re.I)
# What the careful way steps over: comments and elements of raw text (group 1: left as they
# are), textarea and title (group 2: their text reads references but holds no tag).
_STEP_OVER_RE = re.compile(rf"<({_RAW_TEXT})\b[^>]*>.*?</\1\s*>|(<plaintext\b.*)"
                           rf"|<!--.*?-->|<(textarea|title)\b[^>]*>.*?</\3\s*>", re.S | re.I)


def _references(text: str) -> str:
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def ascii_html(html: str, careful: bool = False) -> str:
    """The page in ASCII, any other character as a character reference (&#233;). Chromium decodes
    an ASCII page several times faster: a single dash or accent takes its UTF-8 decoder off its
    fast path. For the realistic course's 2 MB deck, the task that decodes it before the first
    frame drops from ~21 to ~10 ms (5% of accented letters cost the same as one dash). The
    template's own <style> and <script> are ASCII (deck.css, boot.js and deck.js are written
    so, JSON and CSS strings escape the rest); `careful` when a slide has raw text elements of
    its own (a <script> in its HTML): their text stays as it is."""
    if html.isascii():
        return html
    if not careful:
        return _references(html)
    out, at = [], 0
    for m in _STEP_OVER_RE.finditer(html):
        out.append(_references(html[at:m.start()]))
        out.append(m.group(0) if m.group(1) or m.group(2) else _references(m.group(0)))
        at = m.end()
    out.append(_references(html[at:]))
    return "".join(out)


def _steps(slide: Slide, frag, chapter: Chapter, kept: list[bool], last: _Last,
           rerender: Rerender | None):
    """(index, increment, html) of each step the deck shows, as remark shows them: every step
    repeats the shown steps before it. When the deck drops a step, the later ones go on without
    it; when it drops the first, the next continues the last step shown before (remark's
    continuation of the previous slide it kept). Updates `last`."""
    if all(kept) or rerender is None:
        for k, (inc, html) in enumerate(zip(slide.increments, frag.increments, strict=True)):
            if kept[k]:
                last.source, last.lines, last.classes = inc.source, inc.lines, inc.classes
                yield k, inc, html
        return
    text, lines, classes = [], [], ()
    if not kept[0]:
        text = [] if last.source is None else last.source.split("\n")
        lines, classes = list(last.lines), last.classes
    for k, inc in enumerate(slide.increments):
        if not kept[k]:
            continue
        start = 0 if k == 0 else inc.own
        text += inc.source.split("\n")[start:]
        lines += inc.lines[start:]
        classes = inc.classes if k == 0 else classes + _own_classes(inc)
        last.source, last.lines, last.classes = "\n".join(text), list(lines), classes
        yield k, inc, rerender(chapter, "\n".join(text), list(lines))


def _own_classes(inc) -> tuple[str, ...]:
    return shown_classes(inc.properties.get("class", ""))


def _substitute(html: str, deck: Deck, toc_html: str) -> str:
    if "@@" not in html:
        return html
    html = html.replace("<p>@@TOC@@</p>", toc_html).replace("@@TOC@@", toc_html)
    if "@@" not in html:
        return html
    pieces = _TAG_SPLIT_RE.split(html)
    for i, piece in enumerate(pieces):
        if "@@" in piece:
            in_tag = piece.startswith("<")
            pieces[i] = _AT_RE.sub(lambda m, t=in_tag: _value(m, deck, t), piece)
    return "".join(pieces)


def _value(m: re.Match, deck: Deck, in_tag: bool) -> str:
    key, link = m.group(1), m.group(2)
    if link is not None:
        target = link.strip()
        url = _forge_url(deck, target)
        if in_tag:
            return escape(url or target)
        label = f"<code>{escape(target)}</code>"
        return f'<a href="{escape(url)}">{label}</a>' if url else label
    if key == "TITLE":  # raw HTML to the course's own builder: entities and tags work
        return escape(unescape(deck.title)) if in_tag else "<br/>".join(
            _inline_markdown(line) for line in deck.title.split("\n"))
    if key not in deck.strings and key not in ("CHAT", "GITREPO", "SLIDES", "ZIP", "HTML",
                                               "SLIDENUMBERPREFIX"):
        return m.group(0)
    value = deck.strings.get(key, "")
    return escape(value) if in_tag else _inline_markdown(value)


@cache
def _inline_markdown(value: str) -> str:
    return inline_html(value)


def _edit_base(deck: Deck) -> str:
    """Where "edit this slide" points: the forge's file view, when the manifest names it."""
    url = _forge_url(deck, "")
    return url.replace("/tree/main/", "/blob/main/") if url else ""


def _forge_url(deck: Deck, target: str) -> str | None:
    repo = deck.strings.get("GITREPO", "").strip().rstrip("/")
    if not repo:
        return None
    if "://" not in repo:
        repo = "https://" + repo
    return f"{repo}/tree/main/{target.lstrip('/')}"


# Beside this module (importlib.resources would cost each build 3 ms of imports).
_STATIC = Path(__file__).resolve().parent / "static"


@cache
def _static(name: str) -> str:
    return (_STATIC / name).read_text("utf-8")


def render_outline(modules: list, lang: str, title: str) -> str:
    return environment("builder.render").get_template("outline.html.j2").render(
        lang=lang, title=title, modules=modules, ui=ui_strings(lang))


@cache
def _generated():
    return environment("builder.render").get_template("generated.html.j2").module


@cache
def _template() -> jinja2.Template:
    return environment("builder.render").get_template("deck.html.j2")


def warm() -> None:
    """Everything a deck needs that costs to make once: templates, static files, CSS."""
    _template()
    _generated()
    environment("builder.render").get_template("outline.html.j2")
    _static("deck.css")
    _static("deck.js")
    pygments_css()


def reload() -> None:
    """Read templates and static files again (the dev server, when one is saved)."""
    templates.reload()
    _template.cache_clear()
    _generated.cache_clear()
    _static.cache_clear()
