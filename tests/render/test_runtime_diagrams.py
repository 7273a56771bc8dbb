"""Mermaid diagrams in real Chromium: ```mermaid fences and <pre class="mermaid"> blocks drawn as
SVG by mermaid's browser build copied beside the deck (fetched once, as `make setup` does),
with no request leaving the machine, after the first slide is painted, and in print; without
the library, the source is shown and the build warns at each diagram."""

from __future__ import annotations

import os
import re
import shutil
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from runtime_support import Session, axe_violations, position

from builder.build import build
from builder.render import diagrams

CHAPTER = """
## Start

- no diagram here
---
## A fence

```mermaid
graph LR
  A[Pod] --> B{Service}
  B --> C[Node]
```
---
## Raw HTML

<pre class="mermaid">
sequenceDiagram
  Alice->>Bob: Hello
</pre>
---
## Steps

```mermaid
graph LR
  A[Pod] --> B{Service}
  B --> C[Node]
```
--
- and more
---
## Broken

```mermaid
graph LR
  A[Pod] -->
```
"""
DIAGRAMS = 5  # sections holding one: the `--` step repeats its slide's diagram
NODE_STROKE = b".5765 .4392 .8588 RG"  # #9370DB, the border of a node in mermaid's default theme


@pytest.fixture(scope="module")
def library() -> Path:
    """mermaid's browser build in the cache, fetched with npm as `make setup` does."""
    try:
        return diagrams.fetch()
    except (RuntimeError, OSError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"mermaid {diagrams.VERSION} cannot be fetched: {exc}")
        pytest.skip(f"mermaid {diagrams.VERSION} cannot be fetched: {exc}")


def write_course(root: Path) -> None:
    (root / "slides").mkdir(parents=True, exist_ok=True)
    (root / "slides" / "ch.md").write_text(CHAPTER.lstrip("\n"))
    (root / "slides" / "d.yml").write_text("title: D\ncontent:\n- ch.md\n")


@pytest.fixture(scope="module")
def deck(library, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("diagrams")
    write_course(root)
    report = build(root, langs=("en",))
    assert not [w for w in report.warnings if "mermaid" in w.message]
    return root / "dist" / "en" / "d.html"


# In the page before any script: when deck.js adds mermaid's <script>, in performance.now() time.
WATCH_SCRIPT = """new MutationObserver(changes => changes.forEach(c => c.addedNodes.forEach(n => {
    if (n.tagName === 'SCRIPT' && n.src) window.__mermaidAt = performance.now(); })))
  .observe(document, {childList: true, subtree: true});"""


def drawn(page) -> int:
    return page.evaluate("document.querySelectorAll('pre.mermaid[data-processed] svg').length")


def test_diagrams_are_drawn_as_svg_from_the_file_beside_the_deck(browser, deck):
    assert (deck.parent / diagrams.FILE_NAME).is_file()
    s = Session(browser)
    requested: list[str] = []
    s.context.on("request", lambda r: requested.append(r.url))
    s.context.add_init_script(WATCH_SCRIPT)
    try:
        page = s.open(deck.as_uri())
        # Every diagram is drawn while the deck sits on its first slide, after that slide paints.
        page.wait_for_function("n => document.querySelectorAll('pre.mermaid[data-processed], "
                               "pre.mermaid[data-ck-failed]').length === n", arg=DIAGRAMS, timeout=30000)
        assert position(page) == 1
        painted = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
        assert page.evaluate("window.__mermaidAt") > painted
        assert [u for u in requested if u.endswith(".js")] == [deck.with_name(diagrams.FILE_NAME).as_uri()]

        page.keyboard.press("ArrowRight")
        svg = page.locator("section.slide.current pre.mermaid svg")
        assert svg.count() == 1
        assert svg.bounding_box()["width"] > 300  # drawn and laid out, not an empty box
        labels = svg.locator("text").all_text_contents()
        assert {"Pod", "Service", "Node"} <= {t.strip() for t in labels}
        assert "graph LR" not in page.inner_text("section.slide.current")
        page.keyboard.press("ArrowRight")
        assert "Alice" in page.locator("section.slide.current pre.mermaid svg").text_content()
        # The same diagram in two `--` steps: drawn with ids of its own each time.
        ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
        assert len(ids) == len(set(ids))
        # A diagram mermaid cannot read stays as its source, quietly.
        page.keyboard.press("End")
        broken = page.locator("section.slide.current pre.mermaid")
        assert broken.get_attribute("data-ck-failed") == ""
        assert broken.is_visible() and "A[Pod] -->" in broken.inner_text()
        # Search finds a diagram's words, not its styles.
        page.keyboard.press("/")
        page.keyboard.type("alice")
        assert page.locator("#ck-search-results .ck-result").count() == 1
        page.fill("#ck-search-input", "stroke-width")
        assert page.locator("#ck-search-results .ck-result").count() == 0
    finally:
        s.close()  # fails on any request that left the machine, or a console error


def test_the_overview_shows_drawings_as_pictures(session, deck):
    page = session.open(deck.as_uri())
    page.evaluate("window.coursekit.ready()")
    page.keyboard.press("o")
    thumb = page.locator(".ck-thumb[data-i='1'] pre.mermaid img")
    assert thumb.count() == 1
    page.wait_for_function("() => document.querySelector(\".ck-thumb[data-i='1'] pre.mermaid img\").complete")
    assert thumb.evaluate("i => i.naturalWidth") > 100


def pdf_content(data: bytes) -> bytes:
    """The PDF's streams, inflated where they are compressed."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(stream))
        except zlib.error:
            out.append(stream)
    return b"\n".join(out)


def test_coursekit_pdf_prints_the_diagrams_as_drawings(browser, deck, tmp_path):
    # `browser` only for its skip: write_pdfs starts its own Chromium, in a thread of its own
    from builder.render.pdf import write_pdfs

    shutil.copytree(deck.parent, tmp_path / "en")
    with ThreadPoolExecutor(1) as pool:
        (pdf,) = pool.submit(write_pdfs, [tmp_path / "en" / deck.name]).result()
    content = pdf_content(pdf.read_bytes())
    assert NODE_STROKE in content  # vector drawings, not source text
    assert not re.search(rb"/Subtype\s*/Image", pdf.read_bytes())  # nor blurred pictures


def test_print_waits_for_nothing_once_drawn(session, deck):
    page = session.open(deck.as_uri() + "#2")
    page.evaluate("window.coursekit.ready()")
    assert NODE_STROKE in pdf_content(page.pdf(width="1600px", height="900px"))


def test_without_the_library_the_source_shows_with_a_warning(browser, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    diagrams.library.cache_clear()
    try:
        write_course(tmp_path / "course")
        report = build(tmp_path / "course", langs=("en",), jobs=1)
    finally:
        diagrams.library.cache_clear()
    found = [w for w in report.warnings if "mermaid" in w.message]
    assert sorted((w.path, w.line) for w in found) == [("slides/ch.md", n) for n in (7, 15, 22, 32)]
    assert all(str(w).startswith(f"{w.path}:{w.line}: warning: mermaid diagram shown as its source")
               and "make setup" in w.message for w in found)
    out = tmp_path / "course" / "dist" / "en"
    assert not (out / diagrams.FILE_NAME).exists()
    html = (out / "d.html").read_text()
    assert "data-mermaid" not in re.match(r"<!DOCTYPE html>\s*<html[^>]*>", html).group(0)
    assert "script-src 'unsafe-inline';" in html  # no script file allowed either
    s = Session(browser)
    try:
        page = s.open((out / "d.html").as_uri() + "#2")
        source = page.locator("section.slide.current pre.mermaid")
        assert source.is_visible() and "A[Pod] --> B{Service}" in source.inner_text()
        assert page.evaluate("document.querySelectorAll('svg').length") == 0
    finally:
        s.close()


def test_a_drawn_diagram_passes_axe(session, deck, axe_source):
    page = session.open(deck.as_uri() + "#2")
    page.evaluate("window.coursekit.ready()")
    assert axe_violations(page, axe_source) == []
    page.keyboard.press("o")
    assert axe_violations(page, axe_source) == []


def test_the_first_moves_do_not_wait_for_the_library(browser, library, tmp_path):
    """Loading mermaid is one long task (hundreds of ms of script): when neither the first slide
    nor the next has a diagram, it waits until the deck has been left alone for a moment, so
    the key presses of the first seconds are answered at once; then every diagram is drawn."""
    plain = "\n---\n".join(f"## Plain {k}\n\n- text {k}" for k in range(1, 7))
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "ch.md").write_text(
        plain + "\n---\n## Drawn\n\n```mermaid\ngraph LR\n  A[Pod] --> B[Node]\n```\n")
    (tmp_path / "slides" / "d.yml").write_text("title: D\ncontent:\n- ch.md\n")
    build(tmp_path, langs=("en",))
    s = Session(browser)
    s.context.add_init_script(WATCH_SCRIPT)
    try:
        page = s.open((tmp_path / "dist" / "en" / "d.html").as_uri())
        page.wait_for_timeout(400)  # the time to reach for the keyboard
        for key in ["ArrowRight", "ArrowRight", "ArrowLeft", "ArrowLeft"] * 3:  # among slides 1-3
            page.keyboard.press(key)
            page.wait_for_timeout(100)
        assert position(page) == 1
        assert page.evaluate("window.__mermaidAt") is None  # not loaded while the user moves
        moved = page.evaluate("performance.now()")
        page.wait_for_function("() => document.querySelector('pre.mermaid[data-processed] svg')",
                               timeout=30000)
        assert page.evaluate("window.__mermaidAt") > moved
    finally:
        s.close()
