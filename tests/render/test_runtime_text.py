"""Letters beyond ASCII in real Chromium: the deck is written in ASCII (Chromium decodes such a
page much faster, builder/render/deck.py), every other character as a reference, and the room
sees each one as the author wrote it: in text, code, attributes, the title, the counter, CSS
strings of the interface, and the raw <script> and <style> a slide may hold, which are left
as written since the parser reads no reference there."""

from __future__ import annotations

import re

from runtime_support import Session

from builder.build import build

WORDS = "Déployer — naïve → 😀"


def deck(course, raw: bool):
    chapter = f"""
        # {WORDS}

        - `kubectl get pods # {WORDS}`

        ```bash
        echo "{WORDS}"
        ```
        ---
        class: checklist

        - <abbr title="{WORDS}">un</abbr>
        """
    if raw:
        chapter += """
        <script>window.ckRaw = "é — ✓";</script>
        <style>.ck-raw::after { content: "→ ✓"; }</style>
        <span class="ck-raw"></span>
        """
    course.write("slides/ch.md", chapter)
    course.write("slides/d.yml", f'title: "Cours : {WORDS}"\nslidenumberprefix: "k8s — "\n'
                                 "content:\n- ch.md\n")
    build(course.root, langs=("en", "fr"))
    return course.root / "dist"


def test_the_page_is_ascii_and_shows_every_letter(browser, course):
    dist = deck(course, raw=False)
    html = (dist / "en" / "d.html").read_bytes()
    assert html.isascii()
    assert b"&#233;" in html and b"&#128512;" in html
    s = Session(browser)
    try:
        page = s.open((dist / "en" / "d.html").as_uri())
        assert page.title() == f"Cours : {WORDS}"
        assert page.text_content(".counter") == "k8s — 1/2"
        assert page.inner_text("section.slide.current h1") == WORDS
        assert page.inner_text("section.slide.current p code, section.slide.current li code") \
            == f"kubectl get pods # {WORDS}"
        assert f'echo "{WORDS}"' in page.inner_text("section.slide.current pre")
        page.keyboard.press("ArrowRight")
        assert page.get_attribute("section.slide.current abbr", "title") == WORDS
        assert page.locator("section.slide.current ul").evaluate(
            "e => getComputedStyle(e).listStyleType") == '"\u2610 "'
        french = s.open((dist / "fr" / "d.html").as_uri())
        assert (dist / "fr" / "d.html").read_bytes().isascii()
        french.keyboard.press("/")
        french.keyboard.type("naïve")
        assert french.locator("#ck-search-results .ck-result").count() == 1
    finally:
        s.close()


def test_raw_script_and_style_on_a_slide_are_left_as_written(browser, course):
    dist = deck(course, raw=True)
    html = (dist / "en" / "d.html").read_text(encoding="utf-8")
    outside = re.sub(r"<(script|style)>[^<]*\u2713[^<]*</\1>", "", html)  # the slide's own
    assert outside.isascii() and not html.isascii()
    s = Session(browser)
    try:
        page = s.open((dist / "en" / "d.html").as_uri() + "#2")
        assert page.evaluate("window.ckRaw") == "é — ✓"
        assert page.locator(".ck-raw").evaluate("e => getComputedStyle(e, '::after').content") == '"→ ✓"'
        assert page.inner_text("section.slide.current abbr") == "un"
        assert page.get_attribute("section.slide.current abbr", "title") == WORDS
    finally:
        s.close()
