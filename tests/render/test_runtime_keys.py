"""The keymap (builder/render/keymap.py) in real Chromium: every entry works from each of its
keys and from its toolbar button, is listed in the help overlay of the views it works in, and
is translated in the French deck. A new entry fails here until its effect is described below."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from runtime_support import position, total, visit

from builder.render.keymap import KEYMAP, Shortcut, key_label
from builder.render.ui import UI, ui_strings

LAB_SLIDE = "slides/k8s/consul.md:86"
FORGE = "https://github.com/coursekit/consul-course/blob/main/slides/k8s/consul.md"


class Deck:
    """The Consul deck open in the audience view (and, on demand, the presenter view)."""

    def __init__(self, session, url: str) -> None:
        self.session, self.url = session, url
        self.page = session.open(url + "#5")

    def presenter(self):
        page = self.session.open(self.url + "?presenter#5")
        page.wait_for_selector("#ck-presenter:not([hidden])")
        return page


def moves(to: Callable[[int], int]):
    def effect(deck: Deck, trigger) -> None:
        visit(deck.page, deck.url + "#5")
        trigger(deck.page)
        assert position(deck.page) == to(total(deck.page))
    return effect


def opens(dialog: str):
    def effect(deck: Deck, trigger) -> None:
        visit(deck.page, deck.url + "#5")
        trigger(deck.page)
        assert deck.page.is_visible(dialog)
        deck.page.keyboard.press("Escape")
        assert deck.page.is_hidden(dialog)
    return effect


def opens_presenter(deck: Deck, trigger) -> None:
    visit(deck.page, deck.url + "#5")
    with deck.session.context.expect_page() as tab:
        trigger(deck.page)
    tab.value.wait_for_load_state()
    assert tab.value.url == deck.url + "?presenter#5"
    tab.value.close()


def resets_timer(deck: Deck, trigger) -> None:
    page = deck.presenter()
    page.evaluate("sessionStorage.setItem('coursekit-timer:' + location.pathname, Date.now() - 3725000)")
    page.reload()
    assert page.text_content(".ck-timer") == "1:02:05"
    trigger(page)
    assert page.text_content(".ck-timer") == "0:00:00"
    page.close()


def mirrors(deck: Deck, trigger) -> None:
    page = deck.presenter()
    trigger(page)
    assert page.evaluate("document.body.classList.contains('ck-mirror')")
    assert page.is_hidden("#ck-presenter")
    page.keyboard.press("m")
    assert page.is_visible("#ck-presenter")
    page.close()


def edits(deck: Deck, trigger) -> None:
    visit(deck.page, deck.url + "#src:" + LAB_SLIDE)
    deck.session.context.route("https://github.com/**",
                               lambda route: route.fulfill(body="forge", content_type="text/plain"))
    with deck.session.context.expect_page() as tab:
        trigger(deck.page)
    tab.value.wait_for_load_state()
    assert tab.value.url == FORGE + "#L86"
    tab.value.close()


def closes(deck: Deck, trigger) -> None:
    for key, dialog in [("?", "#ck-help"), ("o", "#ck-overview"), ("/", "#ck-search"), ("g", "#ck-goto")]:
        visit(deck.page, deck.url + "#5")
        deck.page.keyboard.press(key)
        assert deck.page.is_visible(dialog)
        trigger(deck.page)
        assert deck.page.is_hidden(dialog), key
        assert position(deck.page) == 5


EFFECTS: dict[str, Callable[[Deck, Callable], None]] = {
    "previous": moves(lambda n: 4),
    "next": moves(lambda n: 6),
    "first": moves(lambda n: 1),
    "last": moves(lambda n: n),
    "go-to": opens("#ck-goto"),
    "search": opens("#ck-search"),
    "overview": opens("#ck-overview"),
    "help": opens("#ck-help"),
    "presenter": opens_presenter,
    "timer-reset": resets_timer,
    "mirror": mirrors,
    "edit": edits,
    "close": closes,
}


def test_every_entry_has_its_effect_described():
    assert sorted(EFFECTS) == sorted(s.action for s in KEYMAP)


@pytest.mark.parametrize("shortcut", KEYMAP, ids=lambda s: s.action)
def test_each_key_of_each_entry_does_what_it_says(session, url, shortcut: Shortcut):
    deck = Deck(session, url)
    for key in shortcut.keys:
        variants = {key, key.lower()} if len(key) == 1 else {key}  # g and G alike
        for variant in sorted(variants):
            EFFECTS[shortcut.action](deck, lambda page, k=variant: page.keyboard.press(k))


def control_selector(s: Shortcut, bar: str) -> str:
    return f"{bar} a.ck-{s.action}" if s.link else f"{bar} button[data-ck='{s.action}']"


@pytest.mark.parametrize("shortcut", [s for s in KEYMAP if s.bars and not s.link], ids=lambda s: s.action)
def test_each_toolbar_button_does_what_its_key_does(session, url, shortcut: Shortcut):
    bar = "#ck-toolbar" if "toolbar" in shortcut.bars else ".ck-pbar"

    def click(page) -> None:
        page.mouse.move(640, 360)  # the deck's toolbar shows when the mouse moves
        page.click(control_selector(shortcut, bar))

    EFFECTS[shortcut.action](Deck(session, url), click)


def test_controls_sit_where_the_keymap_puts_them(session, url):
    audience = session.open(url)
    presenter = session.open(url + "?presenter")
    for s in KEYMAP:
        for bar, where in [("#ck-toolbar", "toolbar"), (".ck-pbar", "presenter")]:
            control = audience.locator(control_selector(s, bar))
            assert control.count() == (where in s.bars), (s.action, bar)
            if where in s.bars:
                assert control.text_content() == UI[s.word]
                assert control.get_attribute("aria-keyshortcuts") == " ".join(s.keys)
        button = f"#ck-toolbar button[data-ck='{s.action}']"
        if "toolbar" in s.bars and not s.link:  # shown in the views where its key works
            assert audience.locator(button).is_visible() == (s.when != "presenter"), s.action
            presenter.mouse.move(400, 400)
            assert presenter.locator(button).is_visible() == (s.when != "audience"), s.action


def help_rows(page) -> list[tuple[str, str, list[str]]]:
    """The help overlay's visible rows: (what it does, the keys column, each key's label)."""
    page.keyboard.press("?")
    rows = page.eval_on_selector_all("#ck-help dl > div", """rows => rows
        .filter(r => getComputedStyle(r).display !== 'none')
        .map(r => [r.querySelector('dd').textContent, r.querySelector('dt').textContent,
                   [...r.querySelectorAll('kbd')].map(k => k.textContent)])""")
    page.keyboard.press("Escape")
    return rows


@pytest.mark.parametrize("view", ["audience", "presenter"])
def test_the_help_lists_every_entry_of_its_view(session, url, view):
    page = session.open(url + ("?presenter" if view == "presenter" else ""))
    rows = help_rows(page)
    expected = [s for s in KEYMAP if s.when not in ("presenter", "audience") or s.when == view]
    assert [r[0] for r in rows] == [UI[s.word] for s in expected]
    for s, (_, keys, labels) in zip(expected, rows, strict=True):
        assert labels == [key_label(k, UI) for k in s.keys]
        if s.hint:
            assert keys.endswith(s.hint)


def test_the_french_deck_translates_every_word_of_the_keymap(session, built_course):
    fr = ui_strings("fr")
    page = session.open((built_course / "fr" / "kube-consul.html").as_uri())
    rows = help_rows(page)
    shown = [s for s in KEYMAP if s.when != "presenter"]
    assert [r[0] for r in rows] == [fr[s.word] for s in shown]
    for s, (label, keys, labels) in zip(shown, rows, strict=True):
        assert label != s.label, s.action  # translated, not English
        assert labels == [key_label(k, fr) for k in s.keys]
        if s.hint:
            assert keys.endswith(fr[f"hint_{s.word}"]) and fr[f"hint_{s.word}"] != s.hint
    assert "Espace" in rows[1][2] and "Maj+Espace" in rows[0][2]
    for s in KEYMAP:
        if "toolbar" in s.bars:
            assert page.locator(control_selector(s, "#ck-toolbar")).text_content() == fr[s.word]
