"""Deck manifests (FORMAT.md section 2): parts, loose sections, inline Markdown, lines."""

import pytest

from builder.diagnostics import CourseError
from builder.manifest import load_manifest

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
    with pytest.raises(CourseError) as err:
        load_manifest(path, course.root)
    assert (err.value.path, err.value.line, err.value.message) == ("slides/bad.yml", line, message)


def test_duration_is_a_free_string_for_the_index_page(course):
    course.write("slides/a.md", "# x\n")
    timed = load_manifest(course.write("slides/t.yml", "duration: 2 days\ncontent:\n- a.md\n"), course.root)
    assert timed.duration == "2 days"
    untimed = load_manifest(course.write("slides/u.yml", "content:\n- a.md\n"), course.root)
    assert untimed.duration == ""
    with pytest.raises(CourseError, match="`duration` must be a string"):
        load_manifest(course.write("slides/v.yml", "duration: [1]\ncontent:\n- a.md\n"), course.root)
