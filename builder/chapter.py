"""Chapter text -> Chapter model: slides, increments, notes, titles, labs, outline tags.

Every line keeps its origin, so each element carries the path and line a trainer would edit.
The markdown-it tokens of each increment stay on the model for the renderer: Markdown is parsed
once, here, and nowhere else. What remark tolerates (a fence or a macro never closed) is read
as remark reads it and noted in `Chapter.diagnostics`; the lints of a parsed slide are
registered checks (builder/course/checks.py), not code here.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from builder.config import DEFAULT_LAB_MACROS
from builder.diagnostics import Diagnostic, unique
from builder.markdown.increments import cut_tokens
from builder.markdown.inline import children, inline_text
from builder.markdown.labs import extract_code, extract_labs
from builder.markdown.parser import LastWins, markdown
from builder.markdown.source import SourceLines, load_source
from builder.markdown.split import RawSlide, split_slides
from builder.model import Chapter, Increment, OutlineTag, Slide, Title, shown_classes

TAG_RE = re.compile(r"^:([A-Z]{2}):(.*)$")
_URL_RE = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
_COMMENT_RE = re.compile(r"<!--.*?(?:-->|$)", re.S)
_IMG_SRC_RE = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)


def parse_chapter(text: str, path: str, repo: Path, first_line: int = 1,
                  md: MarkdownIt | None = None,
                  lab_macros: tuple[str, ...] = DEFAULT_LAB_MACROS,
                  shared: tuple[str, ...] = ()) -> Chapter:
    """Parse one chapter; `text` starts at `first_line` of `path` (inline manifest entries).
    `lab_macros` are the macro names whose fences are lab steps, `shared` the folders outside the
    repository that includes may read (course settings)."""
    md = md or markdown()
    src = load_source(text, path, first_line, repo, shared)
    chapter = Chapter(path=path, line=first_line, slides=[], includes=list(src.includes),
                      lab_macros=tuple(lab_macros))
    found: list[Diagnostic] = []
    links = LastWins()  # the chapter's link definitions, wherever they are
    layout: RawSlide | None = None
    for raw in split_slides(src, found):
        slide = _slide(raw, src, md, layout, len(chapter.slides), found, frozenset(lab_macros),
                       links)
        kind = slide.properties.get("layout", "")
        if kind == "true" and raw.properties.get("exclude", "").lower() != "true":
            layout = raw  # remark drops an `exclude: true` slide before it can be a layout
        elif kind == "false":
            layout = None
        chapter.slides.append(slide)
    chapter.diagnostics = unique(found)
    return chapter


def _slide(raw: RawSlide, src: SourceLines, md: MarkdownIt, layout: RawSlide | None,
           index: int, found: list[Diagnostic], labs: frozenset[str], links: LastWins) -> Slide:
    path, line = src.where(raw.start)
    properties = dict(raw.properties)
    prefix: list[int] = []
    suffix: list[int] = []
    if layout is not None and "layout" not in properties:
        # remark applies the last `layout: true` slide to the slides that follow it: its text
        # first, its properties but `name`, `layout` and `count`, its classes before theirs.
        for key, value in layout.properties.items():
            if key in ("layout", "name", "count"):
                continue
            if key == "class" and properties.get("class"):
                properties["class"] = f"{value}, {properties['class']}"
            else:
                properties.setdefault(key, value)
        prefix = [i for inc in layout.increments for i in inc.visible]
        # A `{{content}}` line in the layout is where the slide's text goes (its first step's:
        # remark adds later steps after the whole layout).
        hole = next((k for k, i in enumerate(prefix) if src.lines[i].strip() == "{{content}}"), None)
        if hole is not None:
            prefix, suffix = prefix[:hole], prefix[hole + 1:]
    slide = Slide(path=path, line=line, properties=properties, increments=[],
                  property_lines={k: src.where(i) for k, i in raw.property_lines.items()})

    shown = list(prefix)
    steps: list[tuple[int, list[int]]] = []
    notes: list[int] = []
    for inc in raw.increments:
        shown = shown + inc.visible + (suffix if inc is raw.increments[0] else [])
        steps.append((src.where(inc.start)[1], shown))
        notes.extend(inc.notes)
        if inc.notes and not slide.notes_line:
            slide.notes_line = src.where(inc.notes[0])[1]
    # Parse the final text once; earlier increments are cuts of its tokens.
    all_lines = steps[-1][1]
    origins = [src.origins[i] for i in all_lines]
    final_text = "\n".join(src.lines[i] for i in all_lines)
    final_tokens = md.parse(final_text, _env(origins, labs, links, found))
    for start_line, indexes in steps[:-1]:
        text = "\n".join(src.lines[i] for i in indexes)
        cut = cut_tokens(final_tokens, len(indexes))
        if cut is None:
            tokens, shared = md.parse(text, _env(origins[: len(indexes)], labs, links)), 0
        else:
            tokens, shared = cut
        slide.increments.append(Increment(line=start_line, source=text,
                                          lines=origins[: len(indexes)], tokens=tokens,
                                          shared=shared))
    slide.increments.append(Increment(line=steps[-1][0], source=final_text, lines=origins,
                                      tokens=final_tokens))
    classes = slide.classes
    own = len(prefix)
    for inc, raw_inc in zip(slide.increments, raw.increments, strict=True):
        if inc is not slide.increments[0]:
            inc.properties = dict(raw_inc.properties)
            inc.property_lines = {k: src.where(i) for k, i in raw_inc.property_lines.items()}
            classes = classes + shown_classes(inc.properties.get("class", ""))
        inc.classes, inc.own = classes, own
        own = len(inc.lines)

    final = slide.increments[-1]
    where = _where(final.lines)
    slide.titles = _titles(final.tokens, where)
    slide.labs = extract_labs(final.tokens, where, index, labs)
    slide.code = extract_code(final.tokens, where, labs)
    slide.images = _images(final.tokens, where)
    for key in ("background-image",):
        if key in raw.properties:
            for m in _URL_RE.finditer(raw.properties[key]):
                slide.images.append((m.group(1), *src.where(raw.property_lines[key])))

    kept: list[int] = []
    for i in notes:
        m = TAG_RE.match(src.lines[i].strip())
        if m is None:
            kept.append(i)
            continue
        p, n = src.where(i)
        body = m.group(2).strip()
        if body.startswith("-"):
            slide.outline.append(OutlineTag(m.group(1).lower(), "item", body[1:].strip(), p, n))
        elif body:
            slide.outline.append(OutlineTag(m.group(1).lower(), "module", body, p, n))
        else:
            slide.blank_tags.append(OutlineTag(m.group(1).lower(), "module", "", p, n))
    if any(src.lines[i].strip() for i in kept):
        slide.notes = "\n".join(src.lines[i] for i in kept).strip("\n")
        origins = [src.origins[i] for i in kept]
        slide.notes_lines = origins
        slide.notes_tokens = md.parse("\n".join(src.lines[i] for i in kept),
                                      _env(origins, labs, links, notes=True))
    return slide


def _where(origins: list[tuple[str, int]]):
    def where(index: int) -> tuple[str, int]:
        return origins[min(index, len(origins) - 1)] if origins else ("?", 1)
    return where


def _env(origins: list[tuple[str, int]], labs: frozenset[str], links: LastWins,
         found: list[Diagnostic] | None = None, notes: bool = False) -> dict:
    """What the Markdown rules need: source lines, the lab macros (styled as labs), the
    chapter's links and, for the one parse of a slide's whole text, where to report what
    remark tolerates. Partial texts (earlier `--` steps, notes) close what is still open at
    their end, silently; the links they define are already known, but for the notes'."""
    env: dict = {"where": _where(origins), "labs": labs, "autoclose": found is None,
                 "links": links, "references": links if found is not None or notes else LastWins()}
    if found is not None:
        env["diagnostics"] = found
    return env


def _titles(tokens: list[Token], where) -> list[Title]:
    titles = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h1" and tok.map:
            text = inline_text(tokens[i + 1])
            path, line = where(tok.map[0])
            titles.append(Title(text=text, path=path, line=line, source=tokens[i + 1].content))
    return titles


def _images(tokens: list[Token], where) -> list[tuple[str, str, int]]:
    """Pictures a slide shows: Markdown images and raw HTML `<img src=...>` (not commented)."""
    found = []
    for tok in tokens:
        if tok.type == "html_block" and "<img" in tok.content.lower():
            found.extend(_html_images(tok.content, tok.map[0] if tok.map else 0, where))
        if tok.type != "inline" or ("![" not in tok.content and "<img" not in tok.content.lower()):
            continue
        for child in children(tok):
            if child.type == "image":
                src = child.attrGet("src")
                if isinstance(src, str):
                    found.append((src, *where(tok.map[0] if tok.map else 0)))
            elif child.type == "html_inline":
                found.extend(_html_images(child.content, tok.map[0] if tok.map else 0, where))
    return found


def _html_images(html: str, first: int, where) -> list[tuple[str, str, int]]:
    found = []
    html = _COMMENT_RE.sub(lambda m: "\n" * m.group(0).count("\n"), html)  # keep line numbers
    for m in _IMG_SRC_RE.finditer(html):
        src = unescape(next(g for g in m.groups() if g is not None))
        found.append((src, *where(first + html.count("\n", 0, m.start()))))
    return found
