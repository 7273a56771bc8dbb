"""How slides look: the 16:9 stage at any window size, the Consul lab slide on screen (a real
screenshot, decoded here), copy buttons on lab commands, macro and slide classes."""

from __future__ import annotations

import pytest
from runtime_support import Session, decode_png, visit

from builder.build import build
from builder.render.ui import UI

LAB_SLIDE = "slides/k8s/consul.md:86"


def greenish(pixel: tuple[int, int, int]) -> bool:
    r, g, b = pixel
    return g > 90 and g - r > 60 and g - b > 35


@pytest.mark.parametrize("size", [(1280, 720), (800, 800), (1920, 1080), (1024, 400)])
def test_the_stage_keeps_16_9_and_fits_the_window(session, url, size):
    page = session.context.new_page()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    visit(page, url)
    box = page.locator("section.slide.current").bounding_box()
    assert abs(box["width"] / box["height"] - 16 / 9) < 0.01
    assert box["width"] <= size[0] + 0.5 and box["height"] <= size[1] + 0.5
    assert box["width"] > size[0] - 1 or box["height"] > size[1] - 1  # as large as fits
    assert abs(box["x"] + box["width"] / 2 - size[0] / 2) < 1  # centred


def test_the_consul_lab_slide_is_drawn_with_its_lab_box(session, url):
    page = session.open(url + "#src:" + LAB_SLIDE)
    png = page.locator("section.slide.current").screenshot()
    width, height, pixels = decode_png(png)
    assert abs(width / height - 16 / 9) < 0.02
    assert len(set(pixels[:: 7])) > 50  # not blank: text, code, colours
    dark = sum(1 for p in pixels if max(p) < 90)
    assert dark > 2000  # the text
    green = [i for i, p in enumerate(pixels) if greenish(p)]
    assert len(green) > 2000  # the lab's border and its label
    xs = [i % width for i in green]
    ys = [i // width for i in green]
    lab = page.locator("section.slide.current .lab").bounding_box()
    slide = page.locator("section.slide.current").bounding_box()
    # The green pixels frame the lab box, where the page says it is.
    assert abs(min(xs) - (lab["x"] - slide["x"])) < 4
    assert abs(max(xs) - (lab["x"] - slide["x"] + lab["width"])) < 4
    assert abs(min(ys) - (lab["y"] - slide["y"])) < 4
    assert abs(max(ys) - (lab["y"] - slide["y"] + lab["height"])) < 4


def test_copy_buttons_copy_each_command(browser, course):
    course.write("slides/ch.md", """
        ## Lab

        .lab[

        - Look at the replicas:
          ```bash
          kubectl describe deploy web | grep `Replicas`
          ```

        - And the pods:
          ```bash
          kubectl get pods -l app=web
          ```

        ]

        ```bash
        echo not a lab step
        ```
        """)
    course.write("slides/d.yml", "title: D\ncontent:\n- ch.md\n")
    build(course.root)
    s = Session(browser, permissions=["clipboard-read", "clipboard-write"])
    try:
        page = s.open((course.root / "dist" / "en" / "d.html").as_uri())
        buttons = page.locator("section.slide.current .ck-copy")
        assert buttons.count() == 2  # one per lab command, none outside the lab
        assert buttons.first.get_attribute("aria-label") == UI["copy"]
        assert buttons.first.evaluate("b => getComputedStyle(b, '::after').content") == f'"{UI["copy"]}"'
        buttons.first.click()
        page.wait_for_function("() => document.querySelector('.ck-copy').dataset.label !== "
                               f"{UI['copy']!r}")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == "kubectl describe deploy web | grep Replicas"
        assert buttons.first.get_attribute("data-label") == UI["copied"]
        assert page.text_content("#ck-status") == UI["copied"]
        buttons.nth(1).click()
        page.wait_for_function("() => navigator.clipboard.readText().then(t => t.includes('get pods'))")
        assert page.evaluate("navigator.clipboard.readText()") == "kubectl get pods -l app=web"
        # The highlight is still there on screen, and the button is no part of the slide's text.
        assert page.locator("section.slide.current pre mark").first.inner_text() == "Replicas"
        assert UI["copy"] not in page.locator("section.slide.current").text_content()
    finally:
        s.close()


MACROS = """
class: extra-details

## Macros

.red[red] .strike[gone] .small[small] .debug[debug only]

.warning[careful]

.blackbelt[advanced]

.center[centred]

.column-half[left]
.column-half[right]

.checklist[
- one
- two
]

.exercise[
- try it
]

.footnote[a note]

---

class: pic

![A ring](images/ring.svg)

---

class: title

The end
"""


def test_macro_and_slide_classes_are_styled(browser, course):
    course.write("slides/ch.md", MACROS)
    course.write("slides/images/ring.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
                 '<circle cx="20" cy="20" r="18" fill="teal"/></svg>')
    course.write("slides/d.yml", "title: D\ncontent:\n- ch.md\n")
    build(course.root)
    s = Session(browser)
    try:
        page = s.open((course.root / "dist" / "en" / "d.html").as_uri())

        def style(selector: str, prop: str, pseudo: str = "") -> str:
            return page.eval_on_selector(f"section.slide.current {selector}".strip(),
                                         f"(e, p) => getComputedStyle(e, {pseudo!r} || null)[p]", prop)

        assert style(".red", "color") == "rgb(196, 26, 26)"
        assert "line-through" in style(".strike", "textDecorationLine")
        assert style(".debug", "display") == "none"
        assert style(".warning", "borderLeftStyle") == "solid"
        assert style(".blackbelt", "borderLeftStyle") == "solid"
        assert style(".center", "textAlign") == "center"
        assert float(style(".small", "fontSize")[:-2]) < 34
        assert float(style(".column-half", "width")[:-2]) < 800
        assert style(".checklist ul", "listStyleType") != "disc"
        assert style(".exercise", "content", "::before") == f'"{UI["lab"]}"'
        assert style(".footnote", "position") == "absolute"
        assert style("", "content", "::before") == f'"{UI["extra_details"]}"'
        page.keyboard.press("ArrowRight")
        img = page.locator("section.slide.current img").bounding_box()
        slide = page.locator("section.slide.current").bounding_box()
        assert abs(img["x"] + img["width"] / 2 - (slide["x"] + slide["width"] / 2)) < 2  # pic: centred
        page.keyboard.press("ArrowRight")
        assert style("", "display") == "flex" and style("", "justifyContent") == "center"  # title
    finally:
        s.close()
