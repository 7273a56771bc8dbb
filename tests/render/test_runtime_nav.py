"""The deck runtime in real Chromium, from file://: keys, click and tap zones, swipes, deep links,
go-to and search, the edit link. Every test fails on a console error or on any request that
would leave the machine."""

from __future__ import annotations

from runtime_support import (
    Session,
    counter,
    current_id,
    index_of_source,
    position,
    total,
    visit,
    wait_position,
)

from builder.render.ui import UI

LAB_SLIDE = "slides/k8s/consul.md:86"  # "Running our Consul cluster", with a lab and notes


def test_keys_move_through_slides_and_steps(session, url):
    page = session.open(url)
    n = total(page)
    for key, expected in [("PageDown", 2), ("Space", 3), ("ArrowDown", 4), ("Shift+Space", 3),
                          ("PageUp", 2), ("ArrowUp", 1), ("ArrowUp", 1), ("End", n), ("ArrowRight", n),
                          ("Home", 1)]:
        page.keyboard.press(key)
        assert position(page) == expected, key
    assert counter(page) == f"consul — 1/{n}"


def test_a_key_held_down_moves_on_and_the_address_follows_on_release(session, url):
    """A held key repeats: each repeat shows the next slide; the address bar (written when the
    key is released, a change of URL costing a walk over the whole page) names the last one,
    and a reload lands there."""
    page = session.open(url)
    for _ in range(5):
        page.keyboard.down("ArrowRight")  # the repeats of a key held down
    assert position(page) == 6
    page.keyboard.up("ArrowRight")
    assert page.evaluate("location.hash") == "#6"
    page.keyboard.down("ArrowLeft")
    page.evaluate("window.dispatchEvent(new Event('blur'))")  # released in another window
    assert page.evaluate("location.hash") == "#5"
    page.reload()
    assert position(page) == 5

def test_a_step_is_a_slide_of_its_own(session, url):
    page = session.open(url)
    first = index_of_source(page, "slides/k8s/consul.md:1")
    visit(page, f"{url}#{first}")
    assert "One easy way" not in page.inner_text("section.slide.current")
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("section.slide.current", "data-source") == "slides/k8s/consul.md:12"
    assert "One easy way" in page.inner_text("section.slide.current")


def test_click_zones_and_links(session, url):
    page = session.open(url)
    page.mouse.click(1250, 360)  # right quarter: next
    page.mouse.click(1250, 360)
    assert position(page) == 3
    page.mouse.click(30, 360)  # left quarter: previous
    assert position(page) == 2
    page.mouse.click(640, 360)  # middle: shows the controls, does not move
    assert position(page) == 2
    assert page.is_visible("#ck-toolbar button[data-ck=next]")
    page.click("#ck-toolbar button[data-ck=next]")
    assert position(page) == 3


def test_tap_and_swipe(browser, url):
    s = Session(browser, has_touch=True)
    try:
        page = s.open(url)
        page.tap("main.deck", position={"x": 1240, "y": 300})
        assert position(page) == 2
        cdp = page.context.new_cdp_session(page)

        def touch(kind: str, *points: dict) -> None:
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": list(points)})

        def swipe(x0: int, x1: int) -> None:
            touch("touchStart", {"x": x0, "y": 400})
            for x in range(x0, x1, (x1 - x0) // 5):
                touch("touchMove", {"x": x, "y": 405})
            touch("touchEnd")

        swipe(900, 300)  # finger to the left: next
        wait_position(page, 3)
        swipe(300, 900)
        wait_position(page, 2)
    finally:
        s.close()


def test_deep_links_by_number_name_title_and_source_survive_reload(session, url):
    page = session.open(url + "#5")
    assert position(page) == 5
    visit(page, url + "#toc")  # an authored `name:`
    assert current_id(page) == "toc"
    visit(page, url + "#toc-persistent-consul-cluster")  # a title anchor
    assert current_id(page) == "toc-persistent-consul-cluster"
    visit(page, url + "#src:" + LAB_SLIDE)
    lab = position(page)
    assert page.get_attribute("section.slide.current", "data-source") == LAB_SLIDE
    page.keyboard.press("ArrowRight")
    assert page.evaluate("location.hash") == f"#{lab + 1}"
    page.reload()
    assert position(page) == lab + 1
    visit(page, url + "#9999")
    assert position(page) == total(page)


def test_go_to_slide(session, url):
    page = session.open(url)
    page.keyboard.press("g")
    assert page.is_visible("#ck-goto")
    assert page.evaluate("document.activeElement.id") == "ck-goto-input"
    page.keyboard.type("999")
    page.keyboard.press("Enter")
    assert page.text_content(".ck-goto-error") == UI["go_to_invalid"].format(value="999")
    page.fill("#ck-goto-input", "18")
    page.keyboard.press("Enter")
    assert page.is_hidden("#ck-goto")
    assert position(page) == 18
    assert page.evaluate("location.hash") == "#18"
    page.keyboard.press("g")
    page.keyboard.press("Escape")
    assert page.is_hidden("#ck-goto") and position(page) == 18
    assert page.evaluate("document.activeElement.id") == "ck-deck"  # focus back on the deck


def test_search_titles_and_text(session, url):
    page = session.open(url)
    page.keyboard.press("/")
    assert page.is_visible("#ck-search")
    page.keyboard.type("consul members")
    results = page.locator("#ck-search-results .ck-result")
    lab = index_of_source(page, LAB_SLIDE)
    numbers = [int(n) for n in results.locator(".ck-result-n").all_text_contents()]
    assert lab in numbers
    assert page.text_content(".ck-search-status") == UI["search_found"].format(count=len(numbers))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert page.get_attribute("#ck-search-input", "aria-activedescendant") == "ck-result-0"
    page.keyboard.press("Enter")
    assert page.is_hidden("#ck-search")
    assert position(page) == numbers[0]

    # Titles first; a slide shown in several `--` steps is listed once, at its first step.
    page.keyboard.press("/")
    page.fill("#ck-search-input", "stateful sets")
    numbers = [int(n) for n in results.locator(".ck-result-n").all_text_contents()]
    first_step = index_of_source(page, "slides/k8s/consul.md:1")
    assert first_step in numbers and first_step + 1 not in numbers
    page.fill("#ck-search-input", "persistent consul")
    titles = results.locator(".ck-result-title").all_text_contents()
    assert titles[0] == "Persistent Consul cluster"
    page.fill("#ck-search-input", "zzzz nothing")
    assert results.count() == 0
    assert page.text_content(".ck-search-status") == UI["search_none"]
    page.keyboard.press("Escape")
    assert page.is_hidden("#ck-search")


def test_search_result_click(session, url):
    page = session.open(url)
    page.keyboard.press("/")
    page.keyboard.type("affinity")
    page.locator("#ck-search-results .ck-result").first.click()
    assert "affinity" in page.inner_text("section.slide.current").lower()


def test_edit_link_points_at_the_forge_line(session, url):
    page = session.open(url + "#src:" + LAB_SLIDE)
    base = page.get_attribute("body", "data-edit-base")
    assert base == "https://github.com/coursekit/consul-course/blob/main/"
    link = page.locator("#ck-toolbar a.ck-edit")
    assert link.get_attribute("href") == base + "slides/k8s/consul.md#L86"
    assert link.text_content() == UI["edit"]
    visit(page, url + "#toc-pre-requirements")  # generated slides have no source
    assert link.is_hidden()

    # E opens it in a new tab; the forge is stubbed, so nothing leaves the machine.
    visit(page, url + "#src:" + LAB_SLIDE)
    opened: list[str] = []

    def forge(route):
        opened.append(route.request.url)
        route.fulfill(body="forge", content_type="text/plain")

    session.context.route("https://github.com/**", forge)
    with session.context.expect_page() as tab:
        page.keyboard.press("e")
    tab.value.wait_for_load_state()
    assert opened == [base + "slides/k8s/consul.md"]  # fragments are not sent
    assert tab.value.url == base + "slides/k8s/consul.md#L86"


def test_counter_prefix_and_count_false(browser, course):
    from builder.build import build

    course.write("slides/ch.md", "# One\n---\ncount: false\n\n## Aside\n---\n## Three\n--\n- more\n")
    course.write("slides/d.yml", 'title: D\nslidenumberprefix: "D: "\ncontent:\n- ch.md\n')
    build(course.root)
    s = Session(browser)
    try:
        page = s.open((course.root / "dist" / "en" / "d.html").as_uri())
        seen = []
        for _ in range(4):
            seen.append(counter(page))
            page.keyboard.press("ArrowRight")
        assert seen == ["D: 1/3", "D: 1/3", "D: 2/3", "D: 3/3"]
        page.keyboard.press("g")
        page.keyboard.type("2")
        page.keyboard.press("Enter")
        assert "Three" in page.inner_text("section.slide.current")
    finally:
        s.close()


def test_a_source_link_lands_on_the_slide_that_holds_the_line(browser, course):
    """An editor's "show me this slide": any line of a slide (its text, a later `--` step, its
    notes) opens that slide, at the first step that shows the line."""
    from builder.build import build

    course.write("slides/ch.md", """
        # One

        - first
        ---
        ## Two

        - b
        --
        - c

        ???

        said aloud
        ---
        class: in-person

        ## Dropped
        ---
        ## Three

        - d
        """)
    course.write("slides/d.yml", "title: D\nexclude: [in-person]\ncontent:\n- - ch.md\n")
    build(course.root, langs=("en",))
    url = (course.root / "dist" / "en" / "d.html").as_uri()
    s = Session(browser)
    try:
        page = s.open(url)
        for line, source in [(3, "1"), (7, "5"), (8, "5"), (9, "9"), (13, "9"), (17, "9"), (21, "19"),
                             (1, "1"), (5, "5"), (99, "19")]:
            visit(page, f"{url}#src:slides/ch.md:{line}")
            assert page.get_attribute("section.slide.current", "data-source") == \
                f"slides/ch.md:{source}", line
        visit(page, f"{url}#src:slides/other.md:3")  # no such chapter in the deck: the first slide
        assert position(page) == 1
    finally:
        s.close()
