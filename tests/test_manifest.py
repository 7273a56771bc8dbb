"""Deck manifests (FORMAT.md section 2): parts, loose sections, inline Markdown, lines."""

import pytest

from builder.diagnostics import CourseErrors
from builder.manifest import load_manifest, read_manifest

MANIFEST = """\
title: |
  Two
  lines
chat: "[Chat](https://chat.example.org)"
slidenumberprefix: "k8s — "
exclude:
- in-person
content:
- shared/title.md
- |
  class: title

  Custom slide
- - a.md
  #- commented.md
  - - b.md
    - c.md
- - a.md
"""


@pytest.fixture
def deck(course):
    for name in ("shared/title.md", "a.md", "b.md", "c.md"):
        course.write(f"slides/{name}", "# x\n")
    path = course.write("slides/deck.yml", MANIFEST)
    return load_manifest(path, course.root)


def test_parts_are_numbered_lists_and_nested_lists_flatten(deck):
    assert [p.number for p in deck.parts] == [None, None, 1, 2]
    assert [e.path for e in deck.parts[2].entries] == ["slides/a.md", "slides/b.md", "slides/c.md"]


def test_entries_know_their_manifest_line(deck):
    assert [e.line for e in deck.entries] == [9, 10, 14, 16, 17, 18]


def test_inline_markdown_entry_starts_on_the_line_after_its_indicator(deck):
    inline = deck.parts[1].entries[0]
    assert inline.inline == "class: title\n\nCustom slide\n"
    assert (inline.path, inline.inline_line) == ("slides/deck.yml", 11)


def test_strings_title_and_exclude(deck):
    assert deck.title == "Two\nlines"
    assert deck.strings == {"CHAT": "[Chat](https://chat.example.org)",
                            "SLIDENUMBERPREFIX": "k8s — "}
    assert deck.exclude == ["in-person"]
    assert deck.stem == "deck"


def test_exclude_may_be_a_comma_separated_string(course):
    course.write("slides/a.md", "x\n")
    path = course.write("slides/d.yml", "exclude: self-paced, extra-details\ncontent:\n- a.md\n")
    assert load_manifest(path, course.root).exclude == ["self-paced", "extra-details"]


@pytest.mark.parametrize(("text", "line", "message"), [
    ("content: x.md\n", 1, "`content` must be a list"),
    ("title: t\n", 1, "manifest has no `content` list"),
    ("content:\n- {a: b}\n", 2, "a content entry must be a chapter path, inline Markdown or a list of those"),
    ("title: [a]\ncontent: []\n", 1, "`title` must be a string"),
    ("content: []\ncontent: []\n", 2, "duplicate manifest key 'content'"),
    ("", 1, "empty manifest: expected a mapping with a `content` list"),
])
def test_malformed_manifests(course, text, line, message):
    path = course.write("slides/bad.yml", text)
    with pytest.raises(CourseErrors) as err:
        load_manifest(path, course.root)
    assert [(e.path, e.line, e.message) for e in err.value.errors] == [("slides/bad.yml", line, message)]


def test_chapters_is_the_older_name_of_content(course):
    course.write("slides/a.md", "# A\n")
    path = course.write("slides/old.yml", "title: Old\nchapters:\n- - a.md\n")
    deck = load_manifest(path, course.root)
    assert [e.path for e in deck.entries] == ["slides/a.md"]


def test_content_and_chapters_together_is_an_error(course):
    course.write("slides/a.md", "# A\n")
    path = course.write("slides/both.yml", "content:\n- a.md\nchapters:\n- a.md\n")
    found = read_manifest(path, course.root)
    assert [str(d) for d in found.errors] == [
        "slides/both.yml:3: both `content` and `chapters` (its older name): keep one"]


def test_every_mistake_in_one_pass_and_the_deck_keeps_its_other_entries(course):
    course.write("slides/a.md", "# A\n")
    path = course.write("slides/d.yml", "titel: x\ncontent:\n- gone.md\n- - a.md\n  - also-gone.md\n")
    found = read_manifest(path, course.root)
    assert [(d.line, d.message.split(" (")[0]) for d in found.errors] == [
        (1, "unknown manifest key 'titel'"), (3, "chapter file not found: gone.md"),
        (5, "chapter file not found: also-gone.md")]
    assert [e.path for e in found.deck.entries] == ["slides/a.md"]


def test_a_chapter_outside_the_repository_is_refused(course, tmp_path):
    course.write("slides/d.yml", "content:\n- ../../outside.md\n")
    (course.root.parent / "outside.md").write_text("# secret\n")
    found = read_manifest(course.root / "slides/d.yml", course.root)
    assert [str(d) for d in found.errors] == [
        "slides/d.yml:2: chapter outside the repository: ../../outside.md"]


def test_a_yaml_file_that_is_no_deck_says_so(course):
    for name, text in (("events.yml", "- date: 2019\n"), ("compose.yml", "services: {}\n")):
        found = read_manifest(course.write(f"slides/{name}", text), course.root)
        assert found.deck is None and found.errors == [] and found.not_a_deck is not None


def test_a_symbolic_link_out_of_the_repository_is_refused(course):
    outside = course.root.parent / f"{course.root.name}-outside.md"
    outside.write_text("# secret\n")
    (course.root / "slides").mkdir(parents=True, exist_ok=True)
    (course.root / "slides" / "link.md").symlink_to(outside)
    course.write("slides/d.yml", "content:\n- link.md\n")
    found = read_manifest(course.root / "slides/d.yml", course.root)
    assert [str(d) for d in found.errors] == ["slides/d.yml:2: chapter outside the repository: link.md"]


def test_duration_is_a_free_string_for_the_index_page(course):
    course.write("slides/a.md", "# x\n")
    timed = load_manifest(course.write("slides/t.yml", "duration: 2 days\ncontent:\n- a.md\n"), course.root)
    assert timed.duration == "2 days"
    untimed = load_manifest(course.write("slides/u.yml", "content:\n- a.md\n"), course.root)
    assert untimed.duration == ""
    found = read_manifest(course.write("slides/v.yml", "duration: [1]\ncontent:\n- a.md\n"), course.root)
    assert [str(d) for d in found.errors] == ["slides/v.yml:1: `duration` must be a string"]
