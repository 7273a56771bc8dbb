"""Accessibility of the deck: hidden slides hidden from assistive technology, the current slide
announced, focus kept sane, labelled controls, unique ids; then axe-core over every state of
the interface when npm can fetch it (the checks written here run regardless)."""

from __future__ import annotations

import re

from runtime_support import axe_violations, counter, position

from builder.render.ui import UI

ACCESSIBLE_NAME = """e => (e.getAttribute('aria-label') || '').trim()
    || (e.getAttribute('aria-labelledby') || '').split(/\\s+/).map(id => document.getElementById(id))
         .filter(Boolean).map(l => l.textContent).join(' ').trim()
    || e.textContent.trim() || (e.id && [...document.querySelectorAll(`label[for="${e.id}"]`)]
         .map(l => l.textContent).join(' ').trim()) || ''"""


def slides_for_assistive_tech(page) -> list[str]:
    return page.eval_on_selector_all(
        "section.slide", "els => els.filter(e => e.getAttribute('aria-hidden') !== 'true').map(e => e.id)")


def unnamed_controls(page) -> list[str]:
    return page.eval_on_selector_all(
        "button, a[href], input, [role=dialog], [role=listbox], [role=option], nav, aside[aria-label]",
        f"els => els.filter(e => !({ACCESSIBLE_NAME})(e)).map(e => e.outerHTML.slice(0, 80))")


def duplicate_ids(page) -> list[str]:
    return page.evaluate("""() => { const seen = {}, dup = [];
        document.querySelectorAll('[id]').forEach(e => { if (seen[e.id]) dup.push(e.id); seen[e.id] = 1; });
        return dup; }""")


def test_only_the_current_slide_reaches_assistive_technology(session, url):
    page = session.open(url + "#src:slides/k8s/consul.md:86")
    current = page.eval_on_selector("section.slide.current", "e => e.id")
    assert slides_for_assistive_tech(page) == [current]
    tree = page.locator("main").aria_snapshot()
    assert "Running our Consul cluster" in tree
    assert "Caveats" not in tree and "ordered startup" not in tree  # next slide, notes
    page.keyboard.press("ArrowRight")
    assert slides_for_assistive_tech(page) == [page.eval_on_selector("section.slide.current", "e => e.id")]
    assert "Caveats" in page.locator("main").aria_snapshot()


def test_the_new_slide_is_announced(session, url):
    page = session.open(url + "#src:slides/k8s/consul.md:86")
    status = page.locator("#ck-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    assert page.get_attribute("main", "aria-live") is None  # not the whole slide read out
    page.keyboard.press("ArrowRight")  # to the slide titled "Caveats"
    n, of = (int(x) for x in re.search(r"(\d+)/(\d+)$", counter(page)).groups())
    assert status.text_content() == UI["slide_titled"].format(n=n, total=of, title="Caveats")
    page.keyboard.press("End")  # a slide without a heading: its number still announced
    assert status.text_content().startswith(UI["slide_titled"].format(n=of, total=of, title="").rstrip(": "))


def test_landmarks_labels_ids_and_images(session, url):
    page = session.open(url)
    assert page.locator("main").count() == 1
    assert page.get_attribute("nav.ck-toolbar", "aria-label") == UI["controls"]
    assert page.get_attribute("html", "lang") == "en"
    assert unnamed_controls(page) == []
    assert duplicate_ids(page) == []
    assert page.eval_on_selector_all("img", "els => els.filter(e => !e.getAttribute('alt')).length") == 0
    for key in ("o", "/"):
        page.keyboard.press(key)
        if key == "/":
            page.keyboard.type("consul")
        assert unnamed_controls(page) == [] and duplicate_ids(page) == []
        page.keyboard.press("Escape")
    presenter = session.open(url + "?presenter")
    assert unnamed_controls(presenter) == [] and duplicate_ids(presenter) == []


def test_focus_follows_the_user_and_never_stays_on_a_hidden_slide(session, url):
    page = session.open(url + "#toc-running-a-consul-cluster")
    page.focus("#toc-running-a-consul-cluster a[rel=next]")
    page.keyboard.press("Enter")  # the link moves to another slide: its own slide disappears
    page.wait_for_selector("#toc-persistent-consul-cluster.current")  # on hashchange, a task later
    page.wait_for_function("() => document.activeElement.id === 'ck-deck'", timeout=5000)
    page.keyboard.press("ArrowRight")  # and keys still work from there
    source = page.get_attribute("section.slide.current", "data-source")
    assert source.startswith("slides/k8s/consul-persistent")
    # Dialogs take focus and give it back to what had it.
    page.focus("#ck-toolbar button[data-ck=search]")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "ck-search-input"
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.dataset.ck") == "search"
    page.keyboard.press("?")
    assert page.is_visible("#ck-help")
    assert page.evaluate("document.activeElement.dataset.ck") == "close"
    page.keyboard.press("Escape")
    assert page.is_hidden("#ck-help")
    here = position(page)
    page.keyboard.press("Space")  # Space on a focused button presses it, it does not also navigate
    assert position(page) == here


# ---------- axe-core ----------

def test_axe_finds_nothing_in_any_state(session, url, axe_source):
    page = session.open(url + "#src:slides/k8s/consul.md:86")
    assert axe_violations(page, axe_source) == []
    page.keyboard.press("/")
    page.keyboard.type("consul")
    assert axe_violations(page, axe_source) == []
    page.keyboard.press("Escape")
    page.keyboard.press("o")
    assert axe_violations(page, axe_source) == []
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    assert axe_violations(page, axe_source) == []
    page.keyboard.press("Escape")
    page.keyboard.press("g")
    assert axe_violations(page, axe_source) == []
    presenter = session.open(url + "?presenter#18")
    assert axe_violations(presenter, axe_source) == []
