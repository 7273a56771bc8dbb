"""The slide and chapter checks the course layer runs on every chapter: one test each."""

from __future__ import annotations

from builder.config import Settings
from builder.course import ChapterJob, compile_chapter


def findings(course, text: str, settings: Settings | None = None) -> list[str]:
    course.write("slides/ch.md", text)
    compiled = compile_chapter(course.root, ChapterJob("slides/ch.md", 1), settings)
    return [str(d) for d in compiled.diagnostics]


def test_unknown_property(course):
    assert findings(course, "one\n---\nclas: title\n\nHello") == [
        "slides/ch.md:3: warning: unknown slide property 'clas' (remark takes `key: value` lines on "
        "top of a slide as properties and hides them)"]


def test_known_properties_are_fine(course):
    assert findings(course, "class: title\nname: intro\nbackground-image: url(x.png)\n\nHello") == [
        "slides/ch.md:3: warning: image not found: slides/x.png"]


def test_a_slide_starting_with_word_colon(course):
    assert findings(course, "one\n---\nNote: this is hidden by remark\n\nmore") == [
        "slides/ch.md:3: warning: the slide starts with `Note:`, which remark reads as a property "
        "and hides (move it below the first line, or write `Note\\:`)"]


def test_empty_outline_tag(course):
    assert findings(course, "# T\n\n???\n\n:EN:\n:FR:\n") == [
        "slides/ch.md:5: warning: empty :EN: tag", "slides/ch.md:6: warning: empty :FR: tag"]


def test_missing_picture(course):
    assert findings(course, "![a pod](images/pod.png)\n") == [
        "slides/ch.md:1: warning: image not found: slides/images/pod.png"]
    course.write("slides/images/pod.png", "png")
    assert findings(course, "![a pod](images/pod.png)\n") == []


def test_remote_picture(course):
    assert findings(course, "text\n\n![logo](https://example.org/logo.png)\n") == [
        "slides/ch.md:3: warning: picture from the web: https://example.org/logo.png (the deck needs "
        "the network to show it; copy it under slides/images/)"]


def test_picture_outside_slides(course):
    course.write("secret.png", "png")
    assert findings(course, "![x](../secret.png)\n") == [
        "slides/ch.md:1: warning: image outside slides/: ../secret.png"]


def test_a_misspelt_lab_macro(course):
    text = ".exercice[\n- Run:\n  ```bash\n  ls\n  ```\n]\n"
    assert findings(course, text) == [
        "slides/ch.md:1: warning: macro .exercice[ looks like the lab macro .exercise[: its code is "
        "not read as lab steps (fix the name, or add it to `lab-macros` in the course settings)"]
    assert findings(course, text, Settings(lab_macros=("lab", "exercise", "exercice"))) == []


def test_outline_shapes_differ_between_languages(course):
    assert findings(course, "# T\n\n???\n\n:EN:- One\n:EN:- Two\n:FR:- Un\n") == [
        "slides/ch.md:7: warning: :EN: outline has 0 modules and 2 items, :FR: has 0 modules and "
        "1 item"]
