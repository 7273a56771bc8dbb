"""Chapter -> model: every element knows its file and line."""

from builder.chapter import parse_chapter
from builder.render.html import render_chapter

CHAPTER = """\
# Deploying things

- Some text
--
- More text

---

class: extra-details, in-person
name: details

## Details

```bash
echo `X.X.X.X` # not a title
```

???

Say something clever.

:EN:Working with pods
:EN:- Creating a pod
:FR:Travailler avec des pods
:FR:- Créer un pod
"""


def test_slides_increments_and_lines(course):
    ch = course.chapter(CHAPTER)
    assert [s.line for s in ch.slides] == [1, 8]
    assert [inc.line for inc in ch.slides[0].increments] == [1, 5]
    assert ch.slides[0].increments[1].source == "# Deploying things\n\n- Some text\n- More text\n"


def test_titles_only_from_level_one_headings_outside_code(course):
    ch = course.chapter(CHAPTER)
    assert [(t.text, t.line) for t in ch.titles] == [("Deploying things", 1)]


def test_properties_classes_and_name(course):
    slide = course.chapter(CHAPTER).slides[1]
    assert slide.classes == ("extra-details", "in-person")
    assert slide.name == "details"


def test_notes_without_outline_tags(course):
    slide = course.chapter(CHAPTER).slides[1]
    assert slide.notes == "Say something clever."
    assert slide.notes_line == 19


def test_outline_tags(course):
    tags = course.chapter(CHAPTER).outline
    assert [(t.lang, t.kind, t.text, t.line) for t in tags] == [
        ("en", "module", "Working with pods", 22),
        ("en", "item", "Creating a pod", 23),
        ("fr", "module", "Travailler avec des pods", 24),
        ("fr", "item", "Créer un pod", 25),
    ]


def test_layout_slides_are_hidden_and_prefix_the_following_ones(course):
    ch = course.chapter("layout: true\nclass: dark\n\n.footer[Course]\n---\n# One\n---\nTwo")
    assert ch.slides[0].hidden
    assert ch.slides[1].classes == ("dark",)
    assert ch.slides[2].increments[0].source.startswith(".footer[Course]")


def test_exclude_true_hides_a_slide(course):
    ch = course.chapter("exclude: true\n\nsecret\n---\nshown")
    assert [s.hidden for s in ch.slides] == [True, False]


def test_property_lines_are_kept_for_the_checks(course):
    ch = course.chapter("one\n---\nclass: x\nNote: this looks like text")
    assert ch.slides[1].property_lines == {"class": ("slides/ch.md", 3), "Note": ("slides/ch.md", 4)}


def test_inline_manifest_entry_keeps_manifest_lines(course):
    ch = parse_chapter("class: title\n\n# Inline\n---\nsecond", "slides/deck.yml", course.root,
                       first_line=12)
    assert [s.line for s in ch.slides] == [12, 16]
    assert ch.titles[0].line == 14


def test_images_are_collected_with_lines(course):
    ch = course.chapter("text\n\n![a pod](images/pod.png)\n---\nbackground-image: url(images/bg.jpg)")
    assert [i for s in ch.slides for i in s.images] == [
        ("images/pod.png", "slides/ch.md", 3), ("images/bg.jpg", "slides/ch.md", 5)]


def test_link_definitions_serve_the_whole_chapter_the_last_one_winning_as_in_remark(course):
    """remark reads `[label]: url` lines wherever they are (another slide, the notes) and keeps
    the last definition of a label; a definition inside a fence is code."""
    ch = course.chapter("""
        See [here] and [docs]
        ???
        [docs]: https://example.org/notes
        ---
        [here]: https://example.org/first
        ---
        [here]: https://example.org/last

        ```
        [docs]: https://example.org/fence
        ```
        """)
    html = render_chapter(ch).slides[0].increments[0]
    assert html == ('<p>See <a href="https://example.org/last">here</a> and '
                    '<a href="https://example.org/notes">docs</a></p>\n')


def test_a_layout_places_the_slide_at_its_content_line_as_remark_does(course):
    ch = course.chapter("""
        layout: true

        .header[Header]

        {{content}}

        .footer[Footer]
        ---
        Body

        --

        Step
        """)
    one, two = render_chapter(ch).slides[1].increments
    assert one == ('<p><span class="header">Header</span></p>\n<p>Body</p>\n'
                   '<p><span class="footer">Footer</span></p>\n')
    assert two == one + "<p>Step</p>\n"  # remark adds later steps after the whole layout
