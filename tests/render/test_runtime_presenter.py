"""Presenter view in a second tab of the same browser, opened from file://: current and next
slide, notes, elapsed time, synced both ways with the audience tab, and a mirror mode that shows
exactly what the audience sees."""

from __future__ import annotations

import re

from runtime_support import counter, index_of_source, position, wait_position

from builder.render.ui import UI

LAB_SLIDE = "slides/k8s/consul.md:86"


def test_p_opens_the_presenter_view_in_a_new_tab(session, url):
    audience = session.open(url + "#src:" + LAB_SLIDE)
    lab = position(audience)
    with session.context.expect_page() as opened:
        audience.keyboard.press("p")
    presenter = opened.value
    presenter.wait_for_load_state()
    assert presenter.url == f"{url}?presenter#{lab}"
    assert presenter.evaluate("window.toolbar.visible && window.menubar.visible")  # a tab, not a popup
    assert presenter.is_visible("#ck-presenter")
    assert position(presenter) == lab
    assert "ordered startup" in presenter.inner_text(".ck-pnotes-body")
    assert presenter.is_hidden(".ck-pnone")
    assert "Caveats" in presenter.inner_text(".ck-pnext-stage")
    assert re.fullmatch(r"\d+:\d\d:\d\d", presenter.text_content(".ck-timer"))
    assert presenter.locator(".ck-pbar a.ck-edit").get_attribute("href").endswith("consul.md#L86")
    assert presenter.text_content("#ck-pnext-title") == UI["up_next"]
    # The audience tab shows neither notes nor presenter panels.
    assert audience.is_hidden("#ck-presenter")
    assert "ordered startup" not in audience.inner_text("body")


def test_presenter_and_audience_stay_in_sync_both_ways(session, url):
    audience = session.open(url + "#3")
    presenter = session.open(url + "?presenter#10")
    wait_position(presenter, 3)  # a new presenter view joins the audience's slide
    for _ in range(3):
        audience.keyboard.press("ArrowRight")
    wait_position(presenter, 6)
    presenter.keyboard.press("ArrowRight")
    wait_position(audience, 7)
    assert audience.evaluate("location.hash") == "#7"
    presenter.keyboard.press("g")
    presenter.keyboard.type("20")
    presenter.keyboard.press("Enter")
    wait_position(audience, 20)
    audience.keyboard.press("End")
    wait_position(presenter, int(counter(audience).split("/")[-1]))
    assert presenter.is_visible(".ck-pend")  # nothing comes after the last slide
    assert presenter.text_content(".ck-pcounter") == counter(audience)


def test_sync_falls_back_to_storage_events(session, url):
    session.context.add_init_script("delete window.BroadcastChannel;")
    audience = session.open(url)
    presenter = session.open(url + "?presenter")
    assert audience.evaluate("typeof BroadcastChannel") == "undefined"
    audience.keyboard.press("ArrowRight")
    audience.keyboard.press("ArrowRight")
    wait_position(presenter, 3)
    presenter.keyboard.press("ArrowLeft")
    wait_position(audience, 2)


def test_mirror_mode_shows_exactly_the_audience_view(session, url):
    audience = session.open(url + "#src:" + LAB_SLIDE)
    presenter = session.open(url + "?presenter#" + str(position(audience)))
    assert presenter.is_visible("#ck-presenter")
    presenter.keyboard.press("m")
    assert presenter.is_hidden("#ck-presenter")
    presenter.keyboard.press("ArrowRight")
    wait_position(audience, position(presenter))
    assert presenter.screenshot() == audience.screenshot()
    presenter.keyboard.press("m")
    assert presenter.is_visible("#ck-presenter")
    mirror = session.open(url + "?mirror")  # straight into mirror mode, still synced
    assert mirror.is_hidden("#ck-presenter") and mirror.is_visible(".counter")
    wait_position(mirror, position(audience))


def test_presenter_notes_placeholder_and_timer_reset(session, url):
    presenter = session.open(url + "?presenter#1")
    assert presenter.is_visible(".ck-pnone")
    assert presenter.text_content(".ck-pnone") == UI["no_notes"]
    presenter.evaluate("sessionStorage.setItem('coursekit-timer:' + location.pathname, Date.now() - 3725000)")
    presenter.reload()
    assert presenter.text_content(".ck-timer") == "1:02:05"
    presenter.click("button[data-ck=timer-reset]")
    assert presenter.text_content(".ck-timer") == "0:00:00"


def test_the_presenter_view_follows_links_and_steps(session, url):
    audience = session.open(url)
    presenter = session.open(url + "?presenter")
    audience.goto(url + "#toc-running-a-consul-cluster")  # a hash change is a move too
    wait_position(presenter, position(audience))
    step = index_of_source(audience, "slides/k8s/consul.md:12")
    audience.keyboard.press("ArrowRight")  # the first step of the slide
    wait_position(presenter, step - 1)
    assert "One easy way" in presenter.inner_text(".ck-pnext-stage")  # next: its second step
    audience.keyboard.press("ArrowRight")
    wait_position(presenter, step)
