"""A trainer's view of `coursekit serve`: real Chromium on the dev server, real file edits."""

from __future__ import annotations

import re

from livesite import CHAPTER_A, write


def counter(page) -> str:
    return page.text_content(".counter")


def test_page_stays_on_its_slide_and_step_across_rebuilds(browser, site, course):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = f"http://127.0.0.1:{site.server.server_address[1]}"
    page.goto(base + "/en/both.html")
    while "the text to edit" not in page.inner_text("section.slide.current"):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # the `--` step after it
    here = counter(page)
    assert "a step" in page.inner_text("section.slide.current")
    page.wait_for_function("() => window.EventSource && performance.now() > 300")

    # Add a slide before this one: the page must follow its slide, not its number.
    with page.expect_navigation():
        write(course.root / "slides/a.md", CHAPTER_A.replace("original", "edited live").replace(
            "---\n", "---\n\n## Inserted\n\n---\n", 1))
    page.wait_for_selector("section.slide.current")
    assert "edited live" in page.inner_text("section.slide.current")
    assert "a step" in page.inner_text("section.slide.current")
    n, total = map(int, re.search(r"(\d+)/(\d+)", counter(page)).groups())
    old_n, old_total = map(int, re.search(r"(\d+)/(\d+)", here).groups())
    assert (n, total) == (old_n + 1, old_total + 1)

    # Break the chapter: the error shows over the page, with its line; the deck stays.
    write(course.root / "slides/a.md", CHAPTER_A + "\n@@INCLUDE[k8s/missing.yaml]\n")
    overlay = page.wait_for_selector("#coursekit-overlay", timeout=10000)
    assert "slides/a.md:13: @@INCLUDE file not found: k8s/missing.yaml" in overlay.inner_text()
    assert "a step" in page.inner_text("section.slide.current")

    # A mistake remark tolerates: the deck is rebuilt, the warning shows discreetly.
    with page.expect_navigation():
        write(course.root / "slides/a.md", CHAPTER_A + "\n.lab[\n- never closed\n")
    badge = page.wait_for_selector("#coursekit-warnings", timeout=10000)
    assert badge.inner_text().startswith("1 warning")
    assert page.query_selector("#coursekit-overlay") is None
    badge.click()
    assert "slides/a.md:13: macro .lab[ is never closed" in badge.inner_text()

    # Fix it: the warning goes.
    with page.expect_navigation():
        write(course.root / "slides/a.md", CHAPTER_A)
    page.wait_for_selector("section.slide.current")
    page.wait_for_timeout(300)
    assert page.query_selector("#coursekit-overlay") is None
    assert page.query_selector("#coursekit-warnings") is None
    assert errors == []
    page.close()


def test_presenter_view_also_reloads_on_its_slide(browser, site, course):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    base = f"http://127.0.0.1:{site.server.server_address[1]}"
    page.goto(base + "/en/both.html?presenter#4")
    page.wait_for_function("() => performance.now() > 300")
    before = counter(page)
    with page.expect_navigation():
        write(course.root / "slides/a.md", CHAPTER_A.replace("original", "seen by the presenter"))
    page.wait_for_selector("section.slide.current")
    assert "?presenter" in page.url
    assert counter(page) == before
    assert "seen by the presenter" in page.inner_text("section.slide.current")
    page.close()
