"""Overview grid (O), and large decks staying cheap: one slide displayed, thumbnails drawn only
when scrolled into view."""

from __future__ import annotations

import pytest
from runtime_support import big_deck, position, total


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> str:
    return big_deck(tmp_path_factory.mktemp("big"), chapters=20, slides=30).as_uri()


def columns(page) -> int:
    return page.evaluate("""() => { const t = [...document.querySelectorAll('.ck-thumb')];
                                    const top = Math.min(...t.map(e => e.offsetTop));
                                    return t.filter(e => e.offsetTop === top).length }""")


def test_overview_shows_the_slides_and_goes_to_the_chosen_one(session, url):
    page = session.open(url + "#18")
    page.keyboard.press("o")
    assert page.is_visible("#ck-overview")
    here = page.locator("#ck-overview .ck-thumb.ck-here")
    assert here.get_attribute("data-i") == "17"
    assert here.get_attribute("aria-setsize") == str(total(page))
    assert here.get_attribute("aria-posinset") == "18"
    assert page.evaluate("document.activeElement.closest('.ck-thumb').dataset.i") == "17"
    assert "Running our Consul cluster" in here.inner_text()
    assert "Running our Consul cluster" in here.locator("button").get_attribute("aria-label")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    assert page.is_hidden("#ck-overview")
    assert position(page) == 19
    page.keyboard.press("o")
    page.keyboard.press("Home")
    page.locator(".ck-thumb[data-i='2']").click()
    assert page.is_hidden("#ck-overview") and position(page) == 3
    page.keyboard.press("o")
    page.keyboard.press("ArrowDown")  # one row down: as many slides as the grid has columns
    across = columns(page)
    assert across > 1
    page.keyboard.press("Enter")
    assert position(page) == 3 + across
    page.keyboard.press("o")
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.closest('.ck-thumb').dataset.i") == str(total(page) - 1)
    page.keyboard.press("Escape")
    assert page.is_hidden("#ck-overview") and position(page) == 3 + across
    assert page.evaluate("document.activeElement.id") == "ck-deck"


def test_thumbnails_do_not_repeat_ids_or_notes(session, url):
    page = session.open(url)
    page.keyboard.press("o")
    page.keyboard.press("End")
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids))
    assert page.locator("#ck-overview aside.notes").count() == 0
    assert page.locator("#ck-overview section").count() == 0


def test_a_large_deck_displays_one_slide_and_draws_only_thumbnails_in_view(session, big):
    page = session.open(big + "#300")
    n = total(page)
    assert n >= 600
    shown = page.eval_on_selector_all(
        "section.slide", "els => els.filter(e => getComputedStyle(e).display !== 'none').length")
    assert shown == 1
    page.keyboard.press("o")
    drawn = "() => document.querySelectorAll('.ck-thumb-stage > .ck-preview').length"
    first = page.evaluate(drawn)
    assert 0 < first < 100, first  # only those near the view
    assert page.eval_on_selector(".ck-thumb.ck-here", "e => e.dataset.i") == "299"
    height = page.eval_on_selector(".ck-grid", "e => e.offsetHeight")
    assert height > (n / columns(page) - 1) * 100  # room for every row
    page.evaluate("document.getElementById('ck-overview').scrollTop = 1e7")
    page.wait_for_selector(f".ck-thumb[data-i='{n - 1}'] .ck-preview")
    assert page.evaluate(drawn) < 100  # those scrolled away are gone
    assert page.locator(".ck-thumb[data-i='300']").count() == 0
    assert page.locator(".ck-thumb[data-i='299']").count() == 1  # it has the focus: it stays
    page.evaluate("document.getElementById('ck-overview').scrollTop = 0")
    page.wait_for_selector(".ck-thumb[data-i='0'] .ck-preview")
