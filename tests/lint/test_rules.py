"""Each lint rule on a small course of its own, linted in real Chromium.

One course, one chapter per rule: each chapter holds slides that break the rule and slides
that must not be reported, so each test asserts exactly the findings of its chapter.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from lint_support import in_a_thread, png, write

from builder.diagnostics import Diagnostic
from builder.lint.run import lint

BULLETS = "\n\n".join(f"- point number {n}" for n in range(1, 25))
CENTRED = "\n\n".join(f"Centred line {n}" for n in range(1, 16))
WIDE = "W" * 120
LONG_CODE = "kubectl get pods " + "--selector=app=consul " * 12

TEMPLATES = {
    "overflow.md": """
        # Overflow

        - this slide fits

        ---

        ## Too tall

        @BULLETS@

        ---

        ## Tall from its second step

        - first step fits
        --

        @BULLETS@

        ---

        ## Too wide

        @WIDE@

        ---

        class: title

        @CENTRED@

        ---

        ## A slide with the deck's own words: @@TITLE@@

        @BULLETS@

        ---

        ## A wide code block scrolls: a clip, not an overflow

        ```bash
        @LONG_CODE@
        ```
        """,
    "anchors.md": """
        # Anchors

        - [contents](#toc-part-1), [the title](#toc-anchors), [slide 3](#3)

        - [by source](#src:slides/anchors.md:1), [a named slide](#named)

        ---

        name: named

        ## Broken ones

        - See [the missing section](#toc-no-such-title)

        - And [a typo](#nammed)

        - And [nothing](#)

        - But @@LINK[k8s/present.yaml] exists

        - While @@LINK[k8s/absent.yaml] does not
        """,
    "pictures.md": """
        # Pictures

        ![fits](images/small.png)

        ---

        ## Missing

        ![gone](images/missing.png)

        ---

        ## Remote

        ![far](https://example.org/logo.png)

        ---

        ## Far too large

        ![huge](images/huge.png)

        ---

        ## Outside the build: never loaded, whatever is there

        ![secret](../../outside.png)
        """,
    "classes.md": """
        class: pci

        # Classes

        - .smal[a misspelt macro] and .small[a known one], .red[another]

        ---

        class: pic, in-person

        ## Known classes

        .footnote[fine]

        ---

        class: prometheus

        ## A tag, like no styled class: a note

        - .emoji[🙂] macros too
        """,
    "empty.md": """
        # Empty

        - the next slide is empty

        ---

        ---

        ## Notes only are empty too
        ???
        notes are not shown
        """,
    "names.md": """
        # Names

        ---

        name: intro

        ## First

        ---

        name: intro

        ## Second, same name
        """,
    "lost.md": """
        # Lost

        - a hidden comment below never closes: the rest of the deck is swallowed, even
          [the named slide](#gone)

        <!--
        ```wait ready```

        ---

        ## Never seen

        - [back](#toc-lost)

        ---

        name: gone

        ## Never seen either
        """,
}


CHAPTERS = {
    name: textwrap.dedent(text).lstrip("\n").replace("@BULLETS@", BULLETS).replace("@CENTRED@", CENTRED)
    .replace("@WIDE@", WIDE).replace("@LONG_CODE@", LONG_CODE)
    for name, text in TEMPLATES.items()
}


@pytest.fixture(scope="module")
def zoo(tmp_path_factory, chromium) -> tuple[Path, list[Diagnostic]]:
    root = tmp_path_factory.mktemp("zoo")
    content = "\n".join(f"- - {name}" for name in CHAPTERS)
    write(root, "slides/zoo.yml", f"title: Zoo\ncontent:\n{content}\n")
    for name, text in CHAPTERS.items():
        write(root, f"slides/{name}", text)
    write(root, "slides/images/small.png", png(40, 30))
    write(root, "slides/images/huge.png", png(4000, 3000))  # shown at most 560 px high
    write(root, "k8s/present.yaml", "kind: List\n")
    write(root, "outside.png", png(10, 10))  # a file the deck must not be able to show
    result = in_a_thread(lint, root, langs=("en",))
    return root, result.diagnostics


def found(zoo, chapter: str, check: str | None = None) -> list[str]:
    root, diagnostics = zoo
    return [str(d) for d in diagnostics
            if d.path == f"slides/{chapter}" and (check is None or d.check == check)]


def _lines(chapter: str) -> list[str]:
    return CHAPTERS[chapter].split("\n")


def line(chapter: str, needle: str) -> int:
    """1-based line of `needle` in the chapter as written to disk."""
    return next(n for n, text in enumerate(_lines(chapter), 1) if needle in text)


def slide(chapter: str, needle: str) -> int:
    """The line a slide or step starts on: just after the separator above `needle`."""
    lines = _lines(chapter)
    at = line(chapter, needle) - 1
    while at > 0 and lines[at - 1] not in ("---", "--"):
        at -= 1
    return at + 1


def by_place(got: list[str]) -> dict[str, str]:
    return {g.split(": ")[0]: g for g in got}


def excess(finding: str, side: str) -> int:
    return int(finding.split(f" px at the {side}")[0].split(" ")[-1])


def test_overflow_is_measured_at_every_step_with_its_excess(zoo):
    got = by_place(found(zoo, "overflow.md", "overflow"))
    tall = got.pop(f"slides/overflow.md:{slide('overflow.md', '## Too tall')}")
    assert ": content runs past the 16:9 frame by " in tall  # an error: no label
    assert 300 < excess(tall, "bottom") < 2000
    # Only the second step of this slide overflows: reported at that step's line.
    step2 = got.pop(f"slides/overflow.md:{line('overflow.md', '- first step fits') + 2}")
    assert step2.endswith(" px at the bottom (from step 2/2)")
    wide = got.pop(f"slides/overflow.md:{slide('overflow.md', '## Too wide')}")
    assert excess(wide, "right") > 500 and "bottom" not in wide
    centred = got.pop(f"slides/overflow.md:{slide('overflow.md', 'class: title')}")
    assert excess(centred, "top") > 100 and excess(centred, "bottom") > 100
    own = got.pop(f"slides/overflow.md:{slide('overflow.md', '@@TITLE@@')}")
    assert own.endswith(" px at the bottom [zoo]")  # measured in this deck: said so
    assert tall.endswith(" px at the bottom")  # the same in every deck that shows it
    assert got == {}  # the slide that fits, the wide code block: no overflow


def test_a_code_line_wider_than_its_block_is_clipped_text(zoo):
    got = found(zoo, "overflow.md", "clipped-text")
    at = line("overflow.md", "kubectl get pods")
    assert len(got) == 1
    assert got[0].startswith(f"slides/overflow.md:{at}: warning: code line cut by ")
    assert "kubectl get pods --selector=app=consul" in got[0]


def test_anchors_that_lead_nowhere(zoo):
    got = found(zoo, "anchors.md", "broken-anchor")
    assert got == [
        f"slides/anchors.md:{line('anchors.md', '#toc-no-such-title')}: link to #toc-no-such-title: "
        "no slide of zoo has that name or anchor",
        f"slides/anchors.md:{line('anchors.md', '#nammed')}: link to #nammed: "
        "no slide of zoo has that name or anchor",
        f"slides/anchors.md:{line('anchors.md', '[nothing]')}: warning: link to `#` leads nowhere",
    ]


def test_link_targets_missing_from_the_repository(zoo):
    assert found(zoo, "anchors.md", "link-target") == [
        f"slides/anchors.md:{line('anchors.md', 'k8s/absent.yaml')}: "
        "@@LINK target not found in the repository: k8s/absent.yaml"]


def test_pictures_missing_remote_and_far_too_large(zoo):
    got = found(zoo, "pictures.md")
    assert got[:2] == [
        f"slides/pictures.md:{line('pictures.md', 'missing.png')}: "
        "picture not found: slides/images/missing.png",
        f"slides/pictures.md:{line('pictures.md', 'example.org')}: warning: remote picture: the deck "
        "must work without a network (copy it into slides/images/): https://example.org/logo.png",
    ]
    assert len(got) == 4
    assert got[3] == (f"slides/pictures.md:{line('pictures.md', 'outside.png')}: "
                      "picture outside the course's slides/ folder: ../../outside.png")
    assert got[2].startswith(f"slides/pictures.md:{line('pictures.md', 'huge.png')}: note: picture is "
                             "4000×3000 px but shown at 747×560: 5× larger than needed "
                             "(slides/images/huge.png; ")


def test_classes_and_macros_without_a_style_rule(zoo):
    assert found(zoo, "classes.md") == [
        "slides/classes.md:1: warning: slide class 'pci' has no style rule (did you mean 'pic'?)",
        f"slides/classes.md:{line('classes.md', '.smal[')}: warning: macro .smal[ has no style rule "
        "(did you mean 'small'?)",
        f"slides/classes.md:{line('classes.md', 'class: prometheus')}: note: slide class 'prometheus' "
        "has no style rule: it changes nothing on the slide",
        f"slides/classes.md:{line('classes.md', '.emoji[')}: note: macro .emoji[ has no style rule: "
        "it changes nothing on the slide",
    ]


def test_empty_slides(zoo):
    assert found(zoo, "empty.md") == [
        f"slides/empty.md:{line('empty.md', '- the next slide') + 3}: warning: empty slide: "
        "nothing on it is shown",
    ]


def test_a_name_used_twice(zoo):
    first = line("names.md", "name: intro")
    second = line("names.md", "## Second") - 2
    assert second > first
    got = [d for d in zoo[1] if d.path == "slides/names.md"]
    assert [str(d) for d in got] == [
        f"slides/names.md:{second}: warning: slide name 'intro' is already used at "
        f"slides/names.md:{first}: links to #intro go there"]
    assert [(r.path, r.line) for r in got[0].related] == [("slides/names.md", first)]


def test_slides_swallowed_by_raw_html_are_lost(zoo):
    # Every slide after the unclosed comment is lost, to the end of the deck (this chapter is
    # the deck's last); the link to one of them is not reported again.
    got = found(zoo, "lost.md")
    assert len(got) == 1
    assert got[0].startswith(f"slides/lost.md:{slide('lost.md', '# Lost')}: the ")
    assert got[0].endswith(" are lost from the page: raw HTML here (an unclosed "
                           "`<!--`, `<script>` or `<textarea>`?) swallows them")
    assert got[0].split(": ")[1].startswith("the 2 slides after this one in zoo.html")


def test_a_picture_still_loading_when_the_wait_ends_is_no_error(tmp_path: Path):
    """On a busy machine a picture may not have answered yet: that is no proof it is broken."""
    from builder.checks import run
    from builder.lint.facts import Page, Picture, Section, ShownSlide
    from builder.model import Deck

    write(tmp_path, "dist/en/images/slow.png", png(40, 30))
    html = write(tmp_path, "dist/en/deck.html", "<html></html>")
    deck = Deck(path="slides/deck.yml", stem="deck", title="Deck", strings={}, exclude=[], parts=[])
    page = Page(deck=deck, lang="en", html=html, repo=tmp_path)

    def shown(complete: bool) -> ShownSlide:
        picture = Picture("images/slow.png", (html.parent / "images/slow.png").as_uri(), False,
                          (0, 0), (0, 0), complete=complete)
        return ShownSlide(None, [Section(0, "s1", None, "title", "", (0, 0, 0, 0), [], [], [picture],
                                         False)])

    def pictures(complete: bool) -> list[str]:
        return [str(d) for d in run("page", shown(complete), page) if d.check == "picture"]

    size = len(png(40, 30))
    assert pictures(complete=False) == ["slides/deck.yml: note: picture still loading when lint "
                                        f"stopped waiting, not checked: slides/images/slow.png; {size} bytes"]
    assert pictures(complete=True) == ["slides/deck.yml: picture cannot be shown (not an image the "
                                       "browser reads): images/slow.png"]


def test_a_measure_the_same_in_both_languages_is_said_once():
    from builder.diagnostics import error
    from builder.lint.run import _language_dedup

    said = [error("slides/a.md", 3, "too tall [fr]"), error("slides/a.md", 3, "too tall"),
            error("slides/toc.md", 1, "too tall [deck, fr]"), error("slides/toc.md", 1, "too tall [deck]"),
            error("slides/b.md", 5, "too tall [fr]")]
    assert [d.message for d in _language_dedup(said)] == ["too tall", "too tall [deck]", "too tall [fr]"]


def test_a_diagram_is_measured_as_drawn(tmp_path: Path, chromium, missing_tool):
    """A mermaid diagram's source is a few lines; drawn, it may be 680 px tall. Lint measures
    the slide once the deck has drawn it, as the room will see it."""
    from builder.render import diagrams

    try:
        diagrams.fetch()
    except (RuntimeError, OSError) as exc:
        missing_tool(f"mermaid {diagrams.VERSION} cannot be fetched: {exc}")
    flow = "\n".join(f"N{n} --> N{n + 1}" for n in range(12))
    write(tmp_path, "slides/d.yml", "title: D\ncontent:\n- ch.md\n")
    before = "".join(f"## Slide {n}\n\n- a point\n\n---\n\n" for n in range(6))
    write(tmp_path, "slides/ch.md", f"# Flow\n\n---\n\n{before}## Flow\n\n- one\n- two\n- three\n\n"
                                    f"```mermaid\ngraph TD\n{flow}\n```\n")
    result = in_a_thread(lint, tmp_path, langs=("en",))
    assert [(d.check, d.line) for d in result.diagnostics] == [("overflow", 4 + 6 * 6)]
