"""The built deck in real Chromium, opened from file:// as a trainer would from a USB stick."""

from __future__ import annotations

import re
from pathlib import Path

import pytest


@pytest.fixture
def deck(browser, built_course: Path):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    leaving: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def guard(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            leaving.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    url = (built_course / "en" / "kube-consul.html").as_uri()
    page.goto(url)
    yield page, url
    context.close()
    assert leaving == [], f"requests left the machine: {leaving}"
    assert errors == [], f"console errors: {errors}"


def visible_slides(page) -> list[str]:
    return page.eval_on_selector_all(
        "section.slide", "els => els.filter(e => e.offsetParent !== null).map(e => e.id)")


def test_opens_on_the_first_slide_with_a_counter(deck):
    page, _ = deck
    total = page.eval_on_selector_all("section.slide", "els => els.length")
    assert visible_slides(page) == ["slide-1"]
    assert page.text_content(".counter") == f"consul — 1/{total}"


def test_keyboard_navigation_and_hash_survive_reload(deck):
    page, _ = deck
    total = page.eval_on_selector_all("section.slide", "els => els.length")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    assert page.text_content(".counter").endswith(f"3/{total}")
    assert page.evaluate("location.hash") == "#3"
    page.reload()
    assert page.text_content(".counter").endswith(f"3/{total}")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("location.hash") == "#2"
    page.keyboard.press("End")
    assert page.text_content(".counter").endswith(f"{total}/{total}")
    page.keyboard.press("Home")
    assert page.text_content(".counter").endswith(f"1/{total}")


def test_deep_link_by_name_and_generated_nav_links(deck):
    page, url = deck
    page.goto(url + "#toc-running-a-consul-cluster")
    assert visible_slides(page) == ["toc-running-a-consul-cluster"]
    page.click("#toc-running-a-consul-cluster >> text=Next part")
    assert visible_slides(page) == ["toc-persistent-consul-cluster"]


def test_consul_lab_slide_shows_the_lab_and_no_notes(deck):
    page, url = deck
    page.goto(url + "#toc-running-a-consul-cluster")
    for _ in range(40):
        if page.locator("section.slide.current .lab").count():
            break
        page.keyboard.press("ArrowRight")
    lab = page.locator("section.slide.current .lab")
    assert lab.is_visible()
    box = lab.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 200
    assert lab.evaluate("e => getComputedStyle(e, '::before').content") == '"Lab"'
    assert "kubectl exec consul-0 -- consul members" in lab.inner_text()
    notes = page.locator("section.slide.current aside.notes")
    assert "ordered startup" in notes.text_content()  # in the file...
    assert not notes.is_visible()  # ...never on screen
    visible_text = page.locator("body").inner_text()
    assert "ordered startup" not in visible_text
    assert "???" not in visible_text and ":EN:" not in visible_text


def test_highlighted_spans_are_marked_in_code(deck):
    page, url = deck
    index = page.eval_on_selector_all(
        "section.slide", "els => els.findIndex(e => e.querySelector('pre mark'))")
    page.goto(f"{url}#{index + 1}")
    mark = page.locator("section.slide.current pre mark").first
    assert mark.inner_text() == "X.X.X.X"
    assert mark.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert "`" not in page.locator("section.slide.current pre").first.inner_text()
    assert re.match(r"consul — \d+/\d+", page.text_content(".counter"))


def test_language_switch_opens_the_same_slide_in_french(deck):
    page, url = deck
    page.goto(url + "#18")
    assert page.text_content(".counter").startswith("consul — 18/")
    link = page.locator("a.ck-lang")
    assert link.get_attribute("hreflang") == "fr" and link.inner_text() == "Français"
    link.evaluate("a => a.click()")
    page.wait_for_url("**/fr/kube-consul.html#18")
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.text_content(".counter").startswith("consul — 18/")
    assert "Exercice" in page.locator("section.slide.current .lab").evaluate(
        "e => getComputedStyle(e, '::before').content")
